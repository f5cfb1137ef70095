package org.postroom.global.mailbox;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.postroom.util.Printable;

/** Turns an IOException into the strerror()-style text Postfix puts after a colon (%m, vbuf_print.c). */
public final class Errno {
    private Errno() {}

    public static String text(IOException e) {
        return switch (e) {
            case NoSuchFileException x -> "No such file or directory";
            case AccessDeniedException x -> "Permission denied";
            case FileAlreadyExistsException x -> "File exists";
            case NotDirectoryException x -> "Not a directory";
            case DirectoryNotEmptyException x -> "Directory not empty";
            case FileSystemException x when x.getReason() != null -> Printable.sanitize(x.getReason());
            default -> Printable.sanitize(String.valueOf(e.getMessage()));
        };
    }

    /**
     * mbox_dsn(): the status of a failed mailbox write or create, from its errno: EAGAIN and ESTALE try again
     * (4.2.0), a full file system is 4.3.0, a full mailbox (EDQUOT, EFBIG) bounces with 5.2.2, any other
     * system error gets {@code def} (mail_copy.c: 5.3.0 for a write; local(8) 5.2.0 and virtual(8) 4.2.0
     * for an open or create). An exception that carries no errno (an interrupt, a closed channel) is no
     * verdict on the mailbox and always tries again with 4.2.0.
     */
    public static String mboxDsn(IOException e, String def) {
        String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                : e instanceof NoSuchFileException || e instanceof AccessDeniedException || e instanceof FileAlreadyExistsException
                        || e instanceof NotDirectoryException || e instanceof DirectoryNotEmptyException ? text(e)
                : String.valueOf(e.getMessage());
        return switch (why) {
            case "Resource temporarily unavailable", "Stale file handle", "Stale NFS file handle" -> "4.2.0";
            case "No space left on device" -> "4.3.0";
            case "Disk quota exceeded", "File too large" -> "5.2.2";
            default -> SYSTEM_ERRORS.contains(why) ? def : "4.2.0";
        };
    }

    /** strerror() texts of the errors a mailbox open, create or write can meet (glibc's wording). */
    private static final java.util.Set<String> SYSTEM_ERRORS = java.util.Set.of(
            "Operation not permitted", "No such file or directory", "Input/output error", "Bad file descriptor",
            "Permission denied", "File exists", "Not a directory", "Is a directory", "Invalid argument",
            "Too many open files", "Read-only file system", "Too many links", "File name too long",
            "Too many levels of symbolic links", "No such device or address", "No such device", "Text file busy",
            "Directory not empty", "Structure needs cleaning", "Operation not supported");
}
