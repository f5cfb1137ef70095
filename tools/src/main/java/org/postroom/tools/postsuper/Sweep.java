package org.postroom.tools.postsuper;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.tools.common.ToolLog;

/**
 * The queue-wide pass (postsuper.c super()): structure check and repair (-s), purge of stale temporary
 * files (-p) and the ALL operations (-d ALL, -h ALL, -H ALL, -r ALL, -e ALL, -f ALL). Each queue directory is walked
 * once, hash subdirectories included; files are acted on by path, so that a misplaced file is still
 * found. Only ready queue files (owner rwx) are held or requeued: a file still being written stays
 * where its writer expects it.
 */
final class Sweep {
    static final int STRUCT = 1, PURGE = 2, DELETE_ALL = 4, REQUEUE_ALL = 8, HOLD_ALL = 16, RELEASE_ALL = 32,
            EXPIRE_ALL = 64, EXPIRE_RELEASE_ALL = 128;
    static final int AFTER_INUM_FIX = REQUEUE_ALL | HOLD_ALL | RELEASE_ALL | EXPIRE_ALL | EXPIRE_RELEASE_ALL;
    /** postsuper.c MAX_TEMP_AGE: seven days since Postfix 3.5. */
    private static final long MAX_TEMP_AGE_MS = 7 * 86_400_000L;
    private static final String SUFFIX = "#FIX";

    private final QueueFiles files;
    private final Set<QueueName> hashed;
    private final int hashDepth;
    private final Counts counts;
    private final MessageOps ops;
    private final ActiveGuard guard;
    /** Active messages whose hold or requeue waits until qmgr is done with them. */
    private final List<QueueId> postponed = new ArrayList<>();

    Sweep(QueueFiles files, Set<QueueName> hashed, int hashDepth, Counts counts, MessageOps ops, ActiveGuard guard) {
        this.files = files;
        this.hashed = hashed;
        this.hashDepth = hashDepth;
        this.counts = counts;
        this.ops = ops;
        this.guard = guard;
    }

    /** Runs the pass over {@code queues}; returns the action mask left for a second pass. */
    int run(List<QueueName> queues, int action) throws IOException {
        int[] act = {action};
        for (QueueName q : queues) {
            Path dir = files.queue().dir(q);
            if (!Files.isDirectory(dir)) continue;
            int wanted = hashed.contains(q) ? hashDepth : 0;
            walk(q, dir, 0, wanted, act);
        }
        // hold and requeue ALL race with qmgr moving files between incoming, active and deferred while the
        // directories are read one after the other: look again until a pass finds nothing more
        int mass = action & (HOLD_ALL | REQUEUE_ALL);
        if (mass != 0 && guard.running()) {
            drain(action);
            for (int pass = 0; pass < 3; pass++) {
                int seen = counts.held + counts.requeued;
                for (QueueName q : queues) {
                    if (q != QueueName.INCOMING && q != QueueName.ACTIVE && q != QueueName.DEFERRED) continue;
                    Path dir = files.queue().dir(q);
                    if (Files.isDirectory(dir)) walk(q, dir, 0, hashed.contains(q) ? hashDepth : 0, new int[] {mass});
                }
                drain(action);
                if (counts.held + counts.requeued == seen) break;
            }
        }
        drain(action);
        return act[0];
    }

    private void drain(int action) {
        for (QueueId id : postponed) {
            List<QueueName> where = List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED);
            if ((action & HOLD_ALL) != 0) counts.held += ops.apply(MessageOps.Op.HOLD, where, id.value(), false);
            else if ((action & REQUEUE_ALL) != 0) counts.requeued += ops.apply(MessageOps.Op.REQUEUE, where, id.value(), false);
        }
        postponed.clear();
    }

    private static boolean recurses(QueueName q) {
        return q != QueueName.MAILDROP;
    }

    private void walk(QueueName q, Path dir, int depth, int wanted, int[] act) throws IOException {
        List<Path> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) names.add(p);
        } catch (NoSuchFileException e) {
            return;
        }
        for (Path p : names) {
            String name = p.getFileName().toString();
            if (name.length() == 1 && recurses(q) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                walk(q, p, depth + 1, wanted, act);
                if (depth + 1 > wanted) rmdir(p);
                continue;
            }
            entry(q, p, name, act);
        }
    }

    private void entry(QueueName q, Path actual, String name, int[] act) throws IOException {
        Map<String, Object> st;
        try {
            st = Files.readAttributes(actual, "unix:mode,ino,lastModifiedTime", LinkOption.NOFOLLOW_LINKS); // lstat()
        } catch (NoSuchFileException e) {
            return;
        }
        int mode = (Integer) st.get("mode");
        boolean message = MessageOps.isMessageQueue(q);
        boolean ready = MailQueue.isReady(mode);
        if ((mode & 0170000) == 0040000) {
            try {
                Files.delete(actual);
            } catch (NoSuchFileException e) {
                // gone
            } catch (IOException e) {
                ToolLog.warn("remove subdirectory " + actual + ": " + e.getMessage());
            }
            return;
        }
        if ((act[0] & DELETE_ALL) != 0) {
            if (QueueFiles.remove(actual) && message && ready) {
                counts.deleted++;
                if (QueueId.valid(name)) files.removeLogs(new QueueId(name));
            }
            return;
        }
        long age = System.currentTimeMillis() - ((FileTime) st.get("lastModifiedTime")).toMillis();
        if ((mode & 0170000) != 0100000 || ((act[0] & PURGE) != 0 && message && !ready && age > MAX_TEMP_AGE_MS)) {
            QueueFiles.remove(actual);
            return;
        }
        if ((act[0] & STRUCT) != 0 && name.endsWith(SUFFIX)) {
            name = name.substring(0, name.length() - SUFFIX.length());
            if (!QueueId.valid(name)) {
                ToolLog.warn("bogus file name: " + actual);
                return;
            }
            if (message && inode(name) != (Long) st.get("ino")) {
                ToolLog.warn("name/inode mismatch: " + actual);
                return;
            }
            Path wantedPath = files.queue().path(q, new QueueId(name));
            if (!files.move(actual, wantedPath)) return;
            if (message) counts.inodeFixed++;
            actual = wantedPath;
        }
        if (!QueueId.valid(name)) {
            ToolLog.warn("bogus file name: " + actual);
            return;
        }
        QueueId id = new QueueId(name);
        if ((act[0] & STRUCT) != 0 && message) {
            long inum = inode(name);
            if (inum < 0) {
                ToolLog.warn("bogus file name: " + actual);
                return;
            }
            if (inum != (Long) st.get("ino")) {
                counts.inodeMismatch++;
                act[0] &= ~AFTER_INUM_FIX;
                fixQueueId(q, actual, name, (Long) st.get("ino"));
                return;
            }
        }
        if ((act[0] & (EXPIRE_ALL | EXPIRE_RELEASE_ALL)) != 0 && message && q != QueueName.MAILDROP && ready) {
            try {
                if (MailQueue.markForceExpired(actual)) counts.expired++;
            } catch (NoSuchFileException e) {
                return; // qmgr moved it on
            }
            if ((act[0] & EXPIRE_RELEASE_ALL) != 0 && q == QueueName.HOLD) {
                if (files.move(actual, files.queue().path(QueueName.DEFERRED, id))) counts.released++;
                return;
            }
        }
        if ((act[0] & REQUEUE_ALL) != 0 && message && q != QueueName.MAILDROP) {
            if (!ready) return;
            if (q == QueueName.ACTIVE && guard.running()) {
                postponed.add(id);
                return;
            }
            Path held = files.queue().path(QueueName.HOLD, id);
            if (q == QueueName.HOLD ? actual.equals(held) || files.move(actual, held) : files.move(actual, held)) {
                ops.requeueHeld(id, false);
                counts.requeued++;
            }
            return;
        }
        if ((act[0] & HOLD_ALL) != 0 && message && q != QueueName.MAILDROP && q != QueueName.HOLD) {
            if (!ready) return;
            if (q == QueueName.ACTIVE && guard.running()) {
                postponed.add(id);
                return;
            }
            if (files.move(actual, files.queue().path(QueueName.HOLD, id))) counts.held++;
            return;
        }
        if ((act[0] & RELEASE_ALL) != 0 && q == QueueName.HOLD) {
            if (files.move(actual, files.queue().path(QueueName.DEFERRED, id))) counts.released++;
            return;
        }
        if ((act[0] & STRUCT) != 0) {
            Path wantedPath = files.queue().path(q, id);
            if (!actual.equals(wantedPath)) {
                counts.positionMismatch++;
                files.move(actual, wantedPath);
            }
        }
    }

    /** The inode number in a short queue ID (hex after the five microsecond digits), or -1. */
    static long inode(String id) {
        if (id.length() <= 5) return -1;
        try {
            return Long.parseUnsignedLong(id.substring(5), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Renames the logs, then the file, to NEWID#FIX; the second pass strips the suffix. */
    private void fixQueueId(QueueName q, Path actual, String id, long ino) {
        String fixed = id.substring(0, 5) + Long.toHexString(ino).toUpperCase(java.util.Locale.ROOT);
        for (QueueName log : QueueFiles.LOG_QUEUES) {
            Path from = files.queue().path(log, new QueueId(id));
            Path to = files.queue().path(log, new QueueId(fixed));
            files.move(from, to.resolveSibling(fixed + SUFFIX));
        }
        Path to = files.queue().path(q, new QueueId(fixed));
        files.move(actual, to.resolveSibling(fixed + SUFFIX));
    }

    private static void rmdir(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // still in use at the wanted depth
        } catch (IOException e) {
            ToolLog.warn("remove directory " + p + ": " + e.getMessage());
        }
    }
}
