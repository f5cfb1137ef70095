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
}
