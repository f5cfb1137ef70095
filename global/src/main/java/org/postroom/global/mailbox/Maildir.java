package org.postroom.global.mailbox;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maildir delivery (Postfix local/maildir.c, virtual/maildir.c): write {@code tmp/<sec>.P<pid>.<host>},
 * fsync, link it to {@code new/<sec>.V<dev>I<ino>M<usec>.<host>} and remove the tmp name. Missing
 * directories, the maildir itself included, are created mode 0700 and given to the owner. Every failure
 * reason starts with {@link #FAILED}, as in both of Postfix's maildir.c; a failed write has the
 * diagnostic "x-unix; input/output error" (mail_copy.c).
 */
public final class Maildir {
    private static final Set<StandardOpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    private static final AtomicLong SERIAL = new AtomicLong();
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    /** What local/maildir.c and virtual/maildir.c put before every failure reason. */
    public static final String FAILED = "maildir delivery failed: ";

    private final long sizeLimit;
    private final String createDsn;
    private final Chown privs;
    private final String hostname;

    /**
     * @param sizeLimit the largest file written (mailbox_size_limit, virtual_mailbox_limit); 0 means none
     * @param hostname the host name in file names, usually {@link #systemHostname()}
     */
    public Maildir(long sizeLimit, Chown privs, String hostname) {
        this(sizeLimit, privs, hostname, "4.2.0");
    }

    /**
     * @param createDsn the status of a failure to create or link the file (mbox_dsn()'s default: local(8)
     *                  5.2.0, a bounce; virtual(8) 4.2.0)
     */
    public Maildir(long sizeLimit, Chown privs, String hostname, String createDsn) {
        this.createDsn = createDsn;
        this.sizeLimit = sizeLimit;
        this.privs = privs;
        this.hostname = hostname.replace("/", "\\057").replace(":", "\\072");
    }

    /** gethostname(), as Maildir names use it (not myhostname). */
    public static String systemHostname() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
            if (!h.isEmpty()) return h;
        } catch (IOException e) {
            // fall through
        }
        return "localhost";
    }

    /** Delivers {@code msg} into the maildir {@code dir}; the time stamp comes from {@code start}. */
    public Verdict deliver(Path dir, Owner owner, Message msg, String origRcpt, String delivered, Instant start) {
        long sec = start.getEpochSecond();
        long usec = start.getNano() / 1000;
        Path tmpDir = dir.resolve("tmp");
        Path tmp = null;
        try {
            tmp = create(tmpDir, owner, sec);
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.WRITE))) {
                OutputStream out = new SizeLimitedOutput(new BufferedOutputStream(Channels.newOutputStream(ch), 65536), sizeLimit);
                msg.copyTo(out, Message.Style.MAILDIR, origRcpt, delivered, ZonedDateTime.ofInstant(start, ZoneId.systemDefault()));
                out.flush();
                ch.force(true);
            } catch (SizeLimitedOutput.TooLarge e) {
                return Verdict.bounce("5.2.2", FAILED + "error writing message: File too large").unix(Mbox.WRITE_ERROR);
            } catch (IOException e) {
                return Verdict.failure(Errno.mboxDsn(e, "5.3.0"), FAILED + "error writing message: " + Errno.text(e)).unix(Mbox.WRITE_ERROR);
            }
            long dev = (Long) Files.getAttribute(tmp, "unix:dev");
            long ino = (Long) Files.getAttribute(tmp, "unix:ino");
            Path target = dir.resolve("new").resolve(String.format("%d.V%xI%xM%d.%s", sec, dev, ino, usec, hostname));
            try {
                link(target, tmp, dir, owner);
            } catch (IOException e) {
                return Verdict.failure(Errno.mboxDsn(e, createDsn), FAILED + "create maildir file " + target + ": " + Errno.text(e));
            }
            return Verdict.sent("delivered to maildir");
        } catch (IOException e) {
            Path file = tmp != null ? tmp : tmpFile(dir, start);
            return Verdict.failure(Errno.mboxDsn(e, createDsn), FAILED + "create maildir file " + file + ": " + Errno.text(e));
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // a stray tmp file is harmless
                }
            }
        }
    }

    /** The first name a delivery started at {@code start} tries for its tmp file: {@code tmp/<sec>.P<pid>.<host>}. */
    public Path tmpFile(Path dir, Instant start) {
        return dir.resolve("tmp").resolve(start.getEpochSecond() + ".P" + ProcessHandle.current().pid() + "." + hostname);
    }

    /** Creates the tmp file exclusively, making tmp/ (and parents) on demand. */
    private Path create(Path tmpDir, Owner owner, long sec) throws IOException {
        long pid = ProcessHandle.current().pid();
        String name = sec + ".P" + pid + "." + hostname;
        for (int attempt = 0; ; attempt++) {
            Path tmp = tmpDir.resolve(name);
            try {
                FileChannel.open(tmp, CREATE, PosixFilePermissions.asFileAttribute(FILE_MODE)).close();
                privs.chown(tmp, owner);
                return tmp;
            } catch (NoSuchFileException e) {
                if (attempt > 0) throw e;
                makeDirs(tmpDir, owner);
            } catch (FileAlreadyExistsException e) {
                // another delivery of this JVM in the same second: add a serial number (Q<n>)
                if (attempt > 100) throw e;
                name = sec + ".P" + pid + "Q" + SERIAL.incrementAndGet() + "." + hostname;
            }
        }
    }

    private void link(Path target, Path tmp, Path dir, Owner owner) throws IOException {
        try {
            Files.createLink(target, tmp);
        } catch (NoSuchFileException e) {
            makeDirs(dir.resolve("new"), owner);
            makeDirs(dir.resolve("cur"), owner);
            Files.createLink(target, tmp);
        }
    }

    /** mkdir -p with mode 0700, giving each directory it creates to {@code owner}. */
    private void makeDirs(Path dir, Owner owner) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) missing.push(p);
        for (Path p : missing) {
            try {
                Files.createDirectory(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                privs.chown(p, owner);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) throw e;
            }
        }
    }
}
