package org.postroom.tools.postqueue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.ipc.Trigger;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.global.proto.showq.QueueEntry;
import org.postroom.global.proto.showq.QueueScanner;
import org.postroom.tools.common.Fatal;
import org.postroom.util.ExitCode;

/**
 * Flushing (spec 4.5): {@code -f} sends FADI to qmgr and W to pickup; {@code -i id} and {@code -s site}
 * move the chosen deferred files to incoming and wake qmgr, as Postfix's flush(8) daemon would. Postroom
 * has no flush daemon: a user who may not write the queue gets a full flush for -i and -s instead.
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

    /** postqueue -i: unknown IDs are silently ignored. */
    static void one(MainCf cfg, MailQueue queue, String id) {
        if (!QueueSource.mayReadQueue(cfg)) {
            all(queue.root());
            return;
        }
        if (QueueId.valid(id)) moveToIncoming(queue, new QueueId(id));
        if (!Trigger.send(queue.root().resolve("public/qmgr"), "I")) throw new Fatal(DOWN, ExitCode.UNAVAILABLE);
    }

    /** postqueue -s: only for destinations in fast_flush_domains. */
    static void site(MainCf cfg, MailQueue queue, String site) {
        String s = site.toLowerCase(Locale.ROOT);
        if (!eligible(cfg.get(Params.FAST_FLUSH_DOMAINS), s)) {
            throw new Fatal("Flush service is not configured for destination \"" + site + "\"", ExitCode.UNAVAILABLE);
        }
        if (!QueueSource.mayReadQueue(cfg)) {
            all(queue.root());
            return;
        }
        try {
            var scanner = QueueScanner.of(cfg, queue);
            for (QueueId id : queue.list(QueueName.DEFERRED)) {
                QueueEntry e = scanner.read(QueueName.DEFERRED, id);
                if (e != null && e.recipients().stream().anyMatch(r -> domainOf(r.address()).equals(s))) moveToIncoming(queue, id);
            }
        } catch (IOException e) {
            throw new Fatal("scan deferred queue: " + e.getMessage(), ExitCode.UNAVAILABLE);
        }
        if (!Trigger.send(queue.root().resolve("public/qmgr"), "I")) throw new Fatal(DOWN, ExitCode.UNAVAILABLE);
    }

    static boolean eligible(List<String> domains, String site) {
        for (String d : domains) {
            String x = d.toLowerCase(Locale.ROOT);
            if (x.startsWith(".")) x = x.substring(1);
            if (site.equals(x) || site.endsWith("." + x)) return true;
        }
        return false;
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    private static void moveToIncoming(MailQueue queue, QueueId id) {
        try {
            Path p = queue.path(QueueName.DEFERRED, id);
            if (!Files.exists(p) || !MailQueue.isReady(p)) return;
            queue.rename(id, QueueName.DEFERRED, QueueName.INCOMING);
        } catch (NoSuchFileException e) {
            // qmgr took it meanwhile
        } catch (IOException e) {
            throw new Fatal(id + ": " + e.getMessage(), ExitCode.UNAVAILABLE);
        }
    }

}
