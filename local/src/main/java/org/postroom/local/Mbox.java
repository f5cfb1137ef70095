package org.postroom.local;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Set;

/**
 * Appends a message to an mbox file (mailbox.c, file.c, mbox_open.c): the file is created mode 0600 for
 * its owner when missing, an existing one must be a plain file with one link, it is locked, the message is
 * appended in mbox style and fsynced, and on any error the file is truncated back to its old length.
 */
final class Mbox {
    private static final Set<StandardOpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE, StandardOpenOption.APPEND);

    private final MailboxLock.Settings lock;
    private final long sizeLimit;
    private final Privileges privs;

    Mbox(MailboxLock.Settings lock, long sizeLimit, Privileges privs) {
        this.lock = lock;
        this.sizeLimit = sizeLimit;
        this.privs = privs;
    }

    /**
     * Appends {@code msg} to {@code file} on behalf of {@code owner}.
     *
     * @param failure the text put before the error, e.g. "cannot update mailbox /var/mail/joe for user joe. "
     * @param success the reason text on success
     */
    Verdict deliver(Path file, Rights owner, Message msg, String origRcpt, String delivered, ZonedDateTime now,
                    String failure, String success) {
        try (FileChannel ch = open(file, owner); MailboxLock l = MailboxLock.acquire(file, ch, lock)) {
            long size = ch.size();
            try {
                OutputStream out = new SizeLimitedOutput(new BufferedOutputStream(Channels.newOutputStream(ch), 65536),
                        sizeLimit > 0 ? Math.max(1, sizeLimit - size) : 0);
                msg.copyTo(out, Message.Style.MBOX, origRcpt, delivered, now);
                out.flush();
                ch.force(true);
            } catch (IOException | RuntimeException e) {
                ch.truncate(size);
                ch.force(true);
                throw e;
            }
            return Verdict.sent(success);
        } catch (SizeLimitedOutput.TooLarge e) {
            return Verdict.bounce("5.2.2", failure + "error writing message: File too large");
        } catch (MailboxLock.Busy e) {
            return Verdict.defer("4.2.0", failure + e.getMessage());
        } catch (IOException e) {
            return Verdict.defer("4.2.0", failure + "error writing message: " + Errno.text(e));
        }
    }

    /** safe_open: create exclusively, or open an existing plain file that is not a link. */
    private FileChannel open(Path file, Rights owner) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                FileChannel ch = FileChannel.open(file, CREATE,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    privs.chown(file, owner);
                } catch (IOException e) {
                    ch.close();
                    throw e;
                }
                return ch;
            } catch (FileAlreadyExistsException e) {
                check(file);
                try {
                    return FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                            LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) {
                    if (attempt > 2) throw gone;
                }
            }
        }
    }

    private static void check(Path file) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:isRegularFile,isSymbolicLink,nlink",
                LinkOption.NOFOLLOW_LINKS);
        if ((Boolean) a.get("isSymbolicLink")) throw new IOException("file is a symbolic link");
        if (!(Boolean) a.get("isRegularFile")) throw new IOException("file is not a regular file");
        int links = (Integer) a.get("nlink");
        if (links > 1) throw new IOException("file has " + links + " hard links");
    }
}
