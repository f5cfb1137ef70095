package org.postroom.tools.postqueue;

import java.nio.file.Path;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.ipc.Trigger;
import org.postroom.global.proto.flush.FlushClient;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.tools.common.Fatal;
import org.postroom.util.ExitCode;

/**
 * Flushing (spec 4.5): {@code -f} sends FADI to qmgr and W to pickup; {@code -i id} and {@code -s site}
 * are requests to the flush(8) service, which moves the chosen deferred files to incoming and wakes qmgr
 * (so that users who may not touch the queue can use them too). Messages and exit statuses are Postfix's.
 */
public final class Flush {
    private Flush() {}

    static final String DOWN = "Cannot flush mail queue - mail system is down";

    /** postqueue -f, postfix flush, sendmail -q. */
    public static void all(Path queueDir) {
        if (!Trigger.send(queueDir.resolve("public/qmgr"), "FADI")) throw new Fatal(DOWN, ExitCode.UNAVAILABLE);
        Trigger.send(queueDir.resolve("public/pickup"), "W");
    }

    /** Wakes pickup (after postsuper -r); nothing happens when it is down. */
    public static void wakePickup(Path queueDir) {
        Trigger.send(queueDir.resolve("public/pickup"), "W");
    }

    /** postqueue -i: a valid ID that is not deferred is not an error. */
    static void one(MainCf cfg, MailQueue queue, String id) {
        if (!QueueId.valid(id)) throw new Fatal("Cannot flush queue ID - invalid name: \"" + id + "\"", ExitCode.UNAVAILABLE);
        answer(FlushClient.sendFile(queue.root(), id, cfg.get(Params.IPC_TIMEOUT)), id);
    }

    /** postqueue -s: only for destinations in fast_flush_domains (flush(8) decides). */
    static void site(MainCf cfg, MailQueue queue, String site) {
        if (!FlushClient.validSite(site)) throw new Fatal("Cannot flush mail queue - invalid destination: \"" + site + "\"", ExitCode.UNAVAILABLE);
        answer(FlushClient.sendSite(queue.root(), site, cfg.get(Params.IPC_TIMEOUT)), site);
    }

    /** postqueue.c flush_site / flush_queue_id: the flush server's status as postqueue reports it. */
    private static void answer(int status, String what) {
        switch (status) {
            case FlushClient.STAT_OK -> { }
            case FlushClient.STAT_BAD -> throw new Fatal("Invalid request: \"" + what + "\"", ExitCode.USAGE);
            case FlushClient.STAT_DENY -> throw new Fatal("Flush service is not configured for destination \"" + what + "\"", ExitCode.UNAVAILABLE);
            case FlushClient.STAT_FAIL -> throw new Fatal(DOWN, ExitCode.UNAVAILABLE);
            default -> throw new Fatal("Unknown flush server reply status " + status, ExitCode.SOFTWARE);
        }
    }
}
