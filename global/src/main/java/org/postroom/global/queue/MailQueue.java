package org.postroom.global.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Queue file access (mail_queue.c). Files are created under a temporary name with O_EXCL, renamed to
 * their queue ID once the inode is known, and move between queues by rename only. Queues named in
 * hash_queue_names are hashed by the first hash_queue_depth characters of the ID.
 *
 * Like Postfix, this class does not abort on file-access problems (they are returned as IOException),
 * but a malformed queue ID cannot even be constructed.
 */
public final class MailQueue {
    public static final Set<PosixFilePermission> MODE_WRITING = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> MODE_READY = PosixFilePermissions.fromString("rwx------");

    private final Path root;
    private final Set<QueueName> hashed;
    private final int depth;

    public MailQueue(Path queueDirectory, List<String> hashQueueNames, int hashDepth) {
        this.root = queueDirectory;
        java.util.EnumSet<QueueName> h = java.util.EnumSet.noneOf(QueueName.class);
        for (String n : hashQueueNames) {
            QueueName q = QueueName.of(n);
            if (q != null) h.add(q);
        }
        this.hashed = h;
        this.depth = Math.max(0, hashDepth);
    }

    public Path root() {
        return root;
    }

    public Path dir(QueueName q) {
        return root.resolve(q.dir());
    }

    /** The path of a queue file, including hash subdirectories. */
    public Path path(QueueName q, QueueId id) {
        Path p = dir(q);
        if (hashed.contains(q)) {
            String v = id.value();
            for (int i = 0; i < depth; i++) p = p.resolve(i < v.length() ? String.valueOf(v.charAt(i)) : "_");
        }
        return p.resolve(id.value());
    }

    /** A newly created queue file: its ID, path and a channel open for writing at position 0. */
    public record Entered(QueueId id, Path path, FileChannel channel, Instant created) {}

    /**
     * mail_queue_enter: creates a new file in {@code q} named by its queue ID, mode 0600 ("being written").
     */
    public Entered enter(QueueName q) throws IOException {
        Path dir = dir(q);
        long pid = ProcessHandle.current().pid();
        for (int attempt = 0; ; attempt++) {
            Instant now = Instant.now();
            long micros = now.getNano() / 1000;
            Path temp = dir.resolve(micros + "." + pid + "." + Thread.currentThread().threadId());
            FileChannel ch;
            try {
                ch = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.READ), PosixFilePermissions.asFileAttribute(MODE_WRITING));
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) throw e;
                continue;
            }
            boolean ok = false;
            try {
                long ino = (Long) Files.getAttribute(temp, "unix:ino");
                QueueId id = QueueId.shortForm(micros, ino);
                Path target = path(q, id);
                if (Files.exists(target)) {
                    continue; // an old file with a recycled inode in the same microsecond: try again
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                ok = true;
                return new Entered(id, target, ch, now);
            } finally {
                if (!ok) {
                    ch.close();
                    Files.deleteIfExists(temp);
                }
            }
        }
    }

    /** mail_queue_rename: moves a file between queues by one rename, creating hash directories on demand. */
    public Path rename(QueueId id, QueueName from, QueueName to) throws IOException {
        Path src = path(from, id);
        Path dst = path(to, id);
        try {
            Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            if (!Files.exists(src)) throw e;
            Files.createDirectories(dst.getParent());
            Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("queue directories must be on one file system: " + e.getMessage(), e);
        }
        return dst;
    }

    public boolean remove(QueueName q, QueueId id) throws IOException {
        return Files.deleteIfExists(path(q, id));
    }

    /** All IDs in a queue (walking hash subdirectories); files with invalid names are skipped. */
    public List<QueueId> list(QueueName q) throws IOException {
        List<QueueId> out = new ArrayList<>();
        Path d = dir(q);
        if (!Files.isDirectory(d)) return out;
        collect(d, hashed.contains(q) ? depth : 0, out);
        return out;
    }

    private static void collect(Path d, int levels, List<QueueId> out) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (levels > 0 && n.length() == 1 && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    collect(p, levels - 1, out);
                } else if (QueueId.valid(n)) {
                    out.add(new QueueId(n));
                }
            }
        } catch (NoSuchFileException e) {
            // a hash directory that went away during the scan
        }
    }

    /** Marks a completely written file ready (mode 0700), as cleanup does before its final fsync. */
    public static void markReady(Path p) throws IOException {
        Files.setPosixFilePermissions(p, MODE_READY);
    }

    /** "Ready" means owner rwx; files without the x bit are still being written. */
    public static boolean isReady(Path p) throws IOException {
        return Files.getPosixFilePermissions(p).containsAll(MODE_READY);
    }

    /** {@link #isReady(Path)} for the mode bits of the "unix:mode" attribute. */
    public static boolean isReady(int mode) {
        return (mode & 0700) == 0700;
    }

    /** mail_open_ok(): a regular, ready file with one link (a second link could be a user's). */
    public static boolean openOk(int mode, int nlink) {
        return (mode & 0170000) == 0100000 && isReady(mode) && nlink == 1;
    }

    /**
     * The force-expire mark that postsuper -e/-f sets (Postfix's MAIL_QUEUE_STAT_EXPIRE, group execute,
     * mode bit 0010): qmgr returns such a message to its sender at its next delivery attempt instead of
     * delivering it.
     */
    public static final PosixFilePermission EXPIRE_MARK = PosixFilePermission.GROUP_EXECUTE;

    /** Whether mode bits (the "unix:mode" attribute) carry {@link #EXPIRE_MARK}. */
    public static boolean isForceExpired(int mode) {
        return (mode & 0010) != 0;
    }

    /** Sets the force-expire mark; false when it was already set. */
    public static boolean markForceExpired(Path p) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        if (!perms.add(EXPIRE_MARK)) return false;
        Files.setPosixFilePermissions(p, perms);
        return true;
    }

    /** fsyncs a directory so that a rename into it survives a crash. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
