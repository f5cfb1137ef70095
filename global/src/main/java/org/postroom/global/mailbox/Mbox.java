package org.postroom.global.mailbox;

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
 * Appends a message to an mbox file (Postfix local/mailbox.c, local/file.c, virtual/mailbox.c,
 * mbox_open.c, safe_open.c): the file is created mode 0600 for
 * its owner when missing, an existing one must be a plain file with one link, it is locked, the message is
 * appended in mbox style and fsynced, and on any error the file is truncated back to its old length.
 */
public final class Mbox {
    private static final Set<StandardOpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE, StandardOpenOption.APPEND);

    private final MailboxLock.Settings lock;
    /** mail_copy.c: the diagnostic text of a write error, sys_exits_detail(EX_IOERR). */
    static final String WRITE_ERROR = "input/output error";

    private final long sizeLimit;
    private final String openDsn;
    private final Chown privs;

    /** @param sizeLimit the largest size the file may grow to (mailbox_size_limit, virtual_mailbox_limit); 0 means none */
    public Mbox(MailboxLock.Settings lock, long sizeLimit, Chown privs) {
        this(lock, sizeLimit, privs, "4.2.0");
    }

    /** {@code openDsn}: the status of a failure to open the file (mbox_open()'s default: local(8) 5.2.0, virtual(8) 4.2.0). */
    public Mbox(MailboxLock.Settings lock, long sizeLimit, Chown privs, String openDsn) {
        this.openDsn = openDsn;
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
    public Verdict deliver(Path file, Owner owner, Message msg, String origRcpt, String delivered, ZonedDateTime now,
                    String failure, String success) {
        FileChannel ch;
        try {
            ch = open(file, owner);
        } catch (IOException e) {
            return e instanceof Refused ? Verdict.defer("4.2.0", failure + e.getMessage())
                    : Verdict.failure(Errno.mboxDsn(e, openDsn), failure + "cannot open file: " + Errno.text(e));
        }
        try (ch) {
            if (!Files.isRegularFile(file)) {
                // a device such as /dev/null: no locks, no size limit, nothing to truncate
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 65536);
                msg.copyTo(out, Message.Style.MBOX, origRcpt, delivered, now);
                out.flush();
                return Verdict.sent(success);
            }
            try (MailboxLock _ = MailboxLock.acquire(file, ch, lock)) {
                append(ch, msg, origRcpt, delivered, now);
            }
            return Verdict.sent(success);
        } catch (SizeLimitedOutput.TooLarge e) {
            return Verdict.bounce("5.2.2", failure + "error writing message: File too large").unix(WRITE_ERROR);
        } catch (MailboxLock.Busy e) {
            return Verdict.defer("4.2.0", failure + e.getMessage());
        } catch (IOException e) {
            return Verdict.failure(Errno.mboxDsn(e, "5.3.0"), failure + "error writing message: " + Errno.text(e)).unix(WRITE_ERROR);
        }
    }

    /** Appends under the lock; on any error the file goes back to its old length. */
    private void append(FileChannel ch, Message msg, String origRcpt, String delivered, ZonedDateTime now)
            throws IOException {
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
    }

    /** safe_open: create exclusively, or open an existing file that is no directory, has one link and is no symlink. */
    private FileChannel open(Path file, Owner owner) throws IOException {
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
                boolean trustedLink = check(file);
                try {
                    return trustedLink ? FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                            : FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) {
                    if (attempt > 2) throw gone;
                }
            }
        }
    }

    /**
     * Refuses what safe_open refuses; returns true for the one symlink it accepts: owned by root, in a
     * directory owned by root that group and others cannot write (/dev/stdout-style links).
     */
    private static boolean check(Path file) throws IOException {
        boolean link = Files.isSymbolicLink(file);
        if (link) {
            int linkOwner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Path parent = file.toAbsolutePath().getParent();
            Map<String, Object> p = Files.readAttributes(parent, "unix:uid,mode");
            if (linkOwner != 0 || (Integer) p.get("uid") != 0 || ((Integer) p.get("mode") & 022) != 0) {
                throw new Refused("file is a symbolic link");
            }
        }
        Map<String, Object> a = Files.readAttributes(file, "unix:isDirectory,nlink");
        if ((Boolean) a.get("isDirectory")) throw new Refused("file is a directory");
        int links = (Integer) a.get("nlink");
        if (links != 1) throw new Refused("file has " + links + " hard links");
        return link;
    }

    /** An existing file that must not be written. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }
}
