package org.postroom.tools.postsuper;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.global.log.Msg;
import org.postroom.tools.common.Fatal;
import org.postroom.tools.common.ToolLog;

/**
 * The per-ID operations (postsuper.c delete_one, requeue_one, hold_one, release_one, expire_one). Each
 * looks for the ID in the given queues, twice, because the file may move between queues while it looks
 * (qmgr moving it between incoming, active and deferred). Each prints "ID: verb" for a message it acted on and
 * returns 1, or returns 0 silently when the ID is not there.
 */
final class MessageOps {
    private final QueueFiles files;
    private final ActiveGuard guard;
    private final Requeuer requeuer;
    private boolean announce = true;

    MessageOps(QueueFiles files, ActiveGuard guard, Requeuer requeuer) {
        this.files = files;
        this.guard = guard;
        this.requeuer = requeuer;
    }

    /** The operations, as the command line names them. */
    enum Op { DELETE, REQUEUE, HOLD, RELEASE, EXPIRE }

    /** Where -e and -f look by default (postsuper.c: hold, incoming, active, deferred). */
    static final List<QueueName> EXPIRE_QUEUES = List.of(QueueName.HOLD, QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED);

    /** What one -f did: force-expired (0 or 1) and released from hold (0 or 1). */
    record ExpireRelease(int expired, int released) {}

    int apply(Op op, List<QueueName> queues, String id) {
        return apply(op, queues, id, true);
    }

    /** {@code announce}: print "ID: verb" (not for the ALL forms, which print only the summary). */
    int apply(Op op, List<QueueName> queues, String id, boolean announce) {
        this.announce = announce;
        if (!QueueId.valid(id)) {
            ToolLog.warn("invalid mail queue id: " + id);
            return 0;
        }
        QueueId qid = new QueueId(id);
        return switch (op) {
            case DELETE -> delete(queues, qid);
            case REQUEUE -> requeue(queues, qid);
            case HOLD -> hold(queues, qid);
            case RELEASE -> release(queues, qid);
            case EXPIRE -> expire(queues, qid);
        };
    }

    /** -f: force-expire the message, then release it if it is on hold. */
    ExpireRelease expireRelease(List<QueueName> queues, String id, boolean announce) {
        this.announce = announce;
        if (!QueueId.valid(id)) {
            ToolLog.warn("invalid mail queue id: " + id); // once for the expiry and once for the release, as postsuper.c
            ToolLog.warn("invalid mail queue id: " + id);
            return new ExpireRelease(0, 0);
        }
        QueueId qid = new QueueId(id);
        return new ExpireRelease(expire(queues, qid), release(queues, qid));
    }

    /** Sets the force-expire mark (postsuper.c expire_one); 0 when the message is not there or already marked. */
    private int expire(List<QueueName> queues, QueueId id) {
        for (int tries = 0; tries < 2; tries++) {
            for (QueueName q : queues) {
                if (q == QueueName.MAILDROP || !isMessageQueue(q)) continue;
                Path p = files.queue().path(q, id);
                if (!ok(p)) continue;
                try {
                    if (!MailQueue.markForceExpired(p)) return 0;
                } catch (NoSuchFileException e) {
                    continue; // moved on by qmgr: look again
                } catch (IOException e) {
                    ToolLog.warn(id + ": cannot set the force-expire mark: " + e.getMessage());
                    return 0;
                }
                if (announce) ToolLog.info(id + ": expired");
                return 1;
            }
        }
        return 0;
    }

    private int delete(List<QueueName> queues, QueueId id) {
        for (int tries = 0; tries < 2; tries++) {
            for (QueueName q : queues) {
                if (!isMessageQueue(q)) continue;
                Path p = files.queue().path(q, id);
                if (!ok(p)) continue;
                files.removeLogs(id);
                if (QueueFiles.remove(p)) {
                    if (announce) ToolLog.info(id + ": removed");
                    return 1;
                }
            }
        }
        return 0;
    }

    private int hold(List<QueueName> queues, QueueId id) {
        for (int tries = 0; tries < 3; tries++) {
            for (QueueName q : queues) {
                if (q == QueueName.MAILDROP || q == QueueName.HOLD || !isMessageQueue(q)) continue;
                Path p = files.queue().path(q, id);
                if (!ok(p)) continue;
                ActiveGuard.Wait w = settle(q, p);
                if (w == ActiveGuard.Wait.LEFT) break; // rescan where qmgr put it
                if (w == ActiveGuard.Wait.BUSY) return busy(id, "placed on hold");
                if (files.move(id, q, QueueName.HOLD)) {
                    if (announce) ToolLog.info(id + ": placed on hold");
                    return 1;
                }
            }
        }
        return 0;
    }

    private int release(List<QueueName> queues, QueueId id) {
        if (!queues.contains(QueueName.HOLD)) return 0;
        Path p = files.queue().path(QueueName.HOLD, id);
        if (ok(p) && files.move(id, QueueName.HOLD, QueueName.DEFERRED)) {
            if (announce) ToolLog.info(id + ": released from hold");
            return 1;
        }
        return 0;
    }

    private int requeue(List<QueueName> queues, QueueId id) {
        for (int tries = 0; tries < 3; tries++) {
            for (QueueName q : queues) {
                if (q == QueueName.MAILDROP || !isMessageQueue(q)) continue;
                Path p = files.queue().path(q, id);
                if (!ok(p)) continue;
                ActiveGuard.Wait w = settle(q, p);
                if (w == ActiveGuard.Wait.LEFT) break; // rescan where qmgr put it
                if (w == ActiveGuard.Wait.BUSY) return busy(id, "requeued");
                if (q != QueueName.HOLD && !files.move(id, q, QueueName.HOLD)) continue; // out of qmgr's reach first
                requeueHeld(id, announce);
                return 1;
            }
        }
        return 0;
    }

    /** Converts hold/ID into maildrop/ID and removes the original and its logs. */
    void requeueHeld(QueueId id, boolean announce) {
        Path held = files.queue().path(QueueName.HOLD, id);
        try {
            if (!requeuer.write(id, held)) Msg.info(id + ": no recipients left -- removed");
        } catch (IOException e) {
            throw new Fatal(id + ": cannot requeue: " + e.getMessage() + " (the message stays on hold)");
        }
        QueueFiles.remove(held);
        files.removeLogs(id);
        if (announce) ToolLog.info(id + ": requeued");
    }

    /** An active file waits for qmgr ({@link ActiveGuard}); a file in another queue is acted on at once. */
    private ActiveGuard.Wait settle(QueueName q, Path p) {
        return q == QueueName.ACTIVE ? guard.awaitLeave(p) : ActiveGuard.Wait.INERT;
    }

    /** A message qmgr did not finish with in time: not touched, so that no recipient is delivered twice. */
    private static int busy(QueueId id, String what) {
        ToolLog.warn(id + ": still being delivered; not " + what + " (try again)");
        return 0;
    }

    static boolean isMessageQueue(QueueName q) {
        return switch (q) {
            case MAILDROP, INCOMING, ACTIVE, DEFERRED, HOLD -> true;
            default -> false;
        };
    }

    private static boolean ok(Path p) {
        try {
            return QueueFiles.openOk(p);
        } catch (IOException e) {
            return false;
        }
    }
}
