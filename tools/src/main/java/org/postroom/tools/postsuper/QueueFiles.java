package org.postroom.tools.postsuper;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.tools.common.Fatal;

/**
 * File operations on the queue with Postfix's care (postsuper.c postrename, postremove, mail_open_ok):
 * a rename that loses a race (ENOENT) is not an error; hash directories are created on demand, owned by
 * mail_owner with mode 0700 (postsuper runs as root, the daemons as mail_owner).
 */
final class QueueFiles {
    /** The per-message log directories, removed with their message. */
    static final List<QueueName> LOG_QUEUES = List.of(QueueName.BOUNCE, QueueName.DEFER, QueueName.TRACE);

    private final MailQueue queue;
    private final int ownerUid;
    private final int ownerGid;
    private final boolean chown;

    QueueFiles(MailQueue queue, int ownerUid, int ownerGid, boolean chown) {
        this.queue = queue;
        this.ownerUid = ownerUid;
        this.ownerGid = ownerGid;
        this.chown = chown;
    }

    MailQueue queue() {
        return queue;
    }

    int ownerUid() {
        return ownerUid;
    }

    int ownerGid() {
        return ownerGid;
    }

    boolean chown() {
        return chown;
    }

    /** mail_open_ok(): a regular, ready (owner rwx) file with one link. */
    static boolean openOk(Path p) throws IOException {
        Map<String, Object> st;
        try {
            st = Files.readAttributes(p, "unix:mode,nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        }
        return MailQueue.openOk((Integer) st.get("mode"), (Integer) st.get("nlink"));
    }

    /** Renames; false when the source is gone (a lost race). Creates missing directories of dst. */
    boolean move(Path src, Path dst) {
        try {
            Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (NoSuchFileException e) {
            if (!Files.exists(src)) return false;
        } catch (AtomicMoveNotSupportedException e) {
            throw new Fatal("rename file " + src + " as " + dst + ": queue directories must be on one file system");
        } catch (IOException e) {
            throw new Fatal("rename file " + src + " as " + dst + ": " + e.getMessage());
        }
        try {
            mkdirs(dst.getParent());
            Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new Fatal("rename file " + src + " as " + dst + ": " + e.getMessage());
        }
    }

    boolean move(QueueId id, QueueName from, QueueName to) {
        return move(queue.path(from, id), queue.path(to, id));
    }

    /** Removes; false when already gone. */
    static boolean remove(Path p) {
        try {
            return Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new Fatal("remove file " + p + ": " + e.getMessage());
        }
    }

    void removeLogs(QueueId id) {
        for (QueueName q : LOG_QUEUES) remove(queue.path(q, id));
    }

    /** Creates a directory below the queue root, and its missing parents, as mail_owner with mode 0700. */
    void mkdirs(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Path parent = dir.getParent();
        if (parent != null && parent.startsWith(queue.root()) && !parent.equals(queue.root())) mkdirs(parent);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return;
        }
        if (chown) {
            Files.setAttribute(dir, "unix:uid", ownerUid);
            Files.setAttribute(dir, "unix:gid", ownerGid);
        }
    }
}
