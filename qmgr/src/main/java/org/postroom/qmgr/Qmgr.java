package org.postroom.qmgr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postroom.global.config.Params;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.rewrite.RewriteClient;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.service.Requirement;
import org.postroom.service.ServiceContext;
import org.postroom.service.ServiceMain;
import org.postroom.service.ServiceSpec;
import org.postroom.service.TriggerService;

/**
 * NAME
 *     qmgr - Postroom queue manager
 * SYNOPSIS
 *     qmgr [generic Postfix daemon options]
 * DESCRIPTION
 *     Moves mail from incoming and deferred into active, resolves each recipient through
 *     trivial-rewrite(8), and hands batches to the delivery agents on private/TRANSPORT: at most
 *     TRANSPORT_destination_recipient_limit recipients per batch (0: no limit). Batches wait in a
 *     per-destination queue: the next hop, or, when the recipient limit is 1, the recipient's local
 *     part without extension "@" the next hop, so that the concurrency limit is per recipient.
 *     A message whose recipients were all delivered or bounced is removed; one with deferred recipients gets
 *     a defer log and moves to deferred/ with its next retry time as the file's mtime: its age, clamped to
 *     [minimal_backoff_time, maximal_backoff_time]. Mail older than maximal_queue_lifetime
 *     (bounce_queue_lifetime for the null sender) expires after a failed attempt.
 *     At start-up every file left in active/ by a crash goes back to incoming/; recipients already
 *     marked done are never delivered again.
 *     Triggers on public/qmgr: I and W scan incoming, D scans deferred, A ignores deferred time
 *     stamps on the next scan, F forgets dead destinations and unavailable transports.
 *     Trace flags: the first trace_flags record of a message (sendmail -bv: 512, -v: 1024) goes into
 *     every delivery request. For an address probe (-bv) every result is final: what qmgr itself
 *     would defer (resolver failure, transport unavailable) is reported "undeliverable" instead. When
 *     a message is done, its trace log becomes the sender's "Mail Delivery Status Report" (or, without
 *     trace flags, the NOTIFY=SUCCESS report); after a -v report a message that stays queued loses its
 *     trace_flags record, so only the first delivery attempt is reported.
 * CONCURRENCY SCHEDULING
 *     Each destination starts with a window of TRANSPORT_initial_destination_concurrency deliveries at
 *     once (slow start). Each delivery that the agent answers without a hop status is positive feedback:
 *     the window grows by TRANSPORT_destination_concurrency_positive_feedback ("1", "1/4" or
 *     "1/concurrency") per delivery, while it is below TRANSPORT_destination_concurrency_limit (0: no
 *     limit) and below the deliveries in progress plus the initial concurrency. A hop status (the agent
 *     found the destination itself unreachable: smtp(8) when no session with any of its addresses got
 *     past the recipients) is negative feedback: the window shrinks, never below 1, and
 *     1/window is added to a failed-cohort count. When that reaches
 *     TRANSPORT_destination_concurrency_failed_cohort_limit (0: never), the destination is dead for
 *     minimal_backoff_time: its waiting mail and all new mail for it is deferred without an attempt,
 *     with "delivery temporarily suspended: " and the agent's reason, and relay=none. A success brings a
 *     dead destination back at once; so does the end of the period, or the F trigger. A destination with
 *     nothing to do is forgotten, and starts again from the initial concurrency.
 *     With TRANSPORT_destination_rate_delay above 0, deliveries to one destination are one at a time with
 *     that pause after each. A TRANSPORT_ parameter that is not set falls back to the default_ one
 *     (initial_destination_concurrency for the initial concurrency).
 * SECURITY
 *     Not security sensitive: never reads message content. Runs as mail_owner.
 * DIAGNOSTICS
 *     "ID: from=<s>, size=N, nrcpt=M (queue active)", "ID: removed", "status=expired" lines;
 *     a transport without an agent defers its mail with "mail transport unavailable"; mail for a dead
 *     destination is logged "status=deferred (delivery temporarily suspended: REASON)".
 *     "NAME: ignoring malformed or unreasonable feedback: VALUE" for a bad feedback setting.
 * BUGS
 *     Mail deferred for a dead destination is logged by qmgr itself, where Postfix hands
 *     it to the retry service (postfix/error). No preemptive scheduling (delivery slots), no
 *     TRANSPORT_transport_rate_delay, no destination_concurrency_feedback_debug, and a message flushed
 *     with postqueue -i does not unthrottle its destination.
 * CONFIGURATION PARAMETERS
 *     qmgr_message_active_limit (20000), minimal_backoff_time (300s), maximal_backoff_time (4000s),
 *     queue_run_delay (300s), maximal_queue_lifetime (5d), bounce_queue_lifetime (5d),
 *     transport_retry_time (60s), recipient_delimiter (empty),
 *     default_destination_concurrency_limit (20), local_destination_concurrency_limit (2),
 *     default_destination_recipient_limit (50), local_destination_recipient_limit (1),
 *     initial_destination_concurrency (5), default_destination_concurrency_positive_feedback (1),
 *     default_destination_concurrency_negative_feedback (1),
 *     default_destination_concurrency_failed_cohort_limit (1), default_destination_rate_delay (0s);
 *     each of these but the local_ ones also as TRANSPORT_destination_concurrency_limit and so on,
 *     TRANSPORT_initial_destination_concurrency for initial_destination_concurrency
 * SEE ALSO
 *     trivial-rewrite(8), local(8), smtp(8), cleanup(8), master(8)
 */
public final class Qmgr implements TriggerService {
    static final ServiceSpec SPEC = new ServiceSpec("qmgr", List.of(Params.QMGR_MESSAGE_ACTIVE_LIMIT,
            Params.MINIMAL_BACKOFF_TIME, Params.MAXIMAL_BACKOFF_TIME, Params.QUEUE_RUN_DELAY, Params.MAXIMAL_QUEUE_LIFETIME,
            Params.BOUNCE_QUEUE_LIFETIME, Params.DEFAULT_DESTINATION_CONCURRENCY_LIMIT,
            Params.LOCAL_DESTINATION_CONCURRENCY_LIMIT, Params.DEFAULT_DESTINATION_RECIPIENT_LIMIT,
            Params.LOCAL_DESTINATION_RECIPIENT_LIMIT, Params.TRANSPORT_RETRY_TIME, Params.RECIPIENT_DELIMITER,
            Params.INITIAL_DESTINATION_CONCURRENCY, Params.DEFAULT_DESTINATION_CONCURRENCY_POSITIVE_FEEDBACK,
            Params.DEFAULT_DESTINATION_CONCURRENCY_NEGATIVE_FEEDBACK, Params.DEFAULT_DESTINATION_CONCURRENCY_FAILED_COHORT_LIMIT,
            Params.DEFAULT_DESTINATION_RATE_DELAY), Set.of(Requirement.SOLITARY, Requirement.NO_IDLE_LIMIT));

    public static void main(String[] args) {
        ServiceMain.run(args, SPEC, Qmgr::new);
    }

    private final MailQueue queue;
    private final Path queueDirectory;
    private final Settings settings;
    private final ActiveQueue active;
    private final Object lock = new Object();
    private boolean scanIncoming = true;
    private boolean scanDeferred = true;
    private boolean ignoreTime;

    Qmgr(ServiceContext ctx) {
        this.queue = ctx.queue();
        this.settings = Settings.from(ctx.config());
        Path qdir = ctx.queueDirectory();
        this.queueDirectory = qdir;
        this.active = new ActiveQueue(settings, queue, new RewriteClient(qdir, Duration.ofSeconds(100)),
                new Deliverer(qdir, ctx.config().get(Params.IPC_TIMEOUT)));
    }

    @Override
    public void start() throws IOException {
        for (QueueId id : queue.list(QueueName.ACTIVE)) {
            try {
                queue.rename(id, QueueName.ACTIVE, QueueName.INCOMING);
            } catch (NoSuchFileException e) {
                // gone
            }
        }
        Thread.ofPlatform().name("scheduler").start(this::schedule);
    }

    @Override
    public void wakeup(String triggers) {
        synchronized (lock) {
            for (char c : triggers.toCharArray()) {
                switch (c) {
                    case 'I', 'W' -> scanIncoming = true;
                    case 'D' -> scanDeferred = true;
                    case 'A' -> ignoreTime = true;
                    case 'F' -> active.enableAll();
                    default -> { }
                }
            }
            lock.notifyAll();
        }
    }

    /** The scan loop: incoming on demand, deferred on demand and every queue_run_delay. */
    private void schedule() {
        long nextDeferred = System.currentTimeMillis();
        while (true) {
            boolean in, def, all;
            synchronized (lock) {
                long now = System.currentTimeMillis();
                if (now >= nextDeferred) scanDeferred = true;
                while (!scanIncoming && !scanDeferred) {
                    try {
                        lock.wait(Math.max(1, nextDeferred - System.currentTimeMillis()));
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (System.currentTimeMillis() >= nextDeferred) scanDeferred = true;
                }
                in = scanIncoming;
                def = scanDeferred;
                all = ignoreTime;
                scanIncoming = scanDeferred = false;
                if (def) ignoreTime = false;
            }
            try {
                if (in) scan(QueueName.INCOMING, true);
                if (def) {
                    scan(QueueName.DEFERRED, all);
                    nextDeferred = System.currentTimeMillis() + settings.queueRunDelay().toMillis();
                }
            } catch (IOException e) {
                Msg.warn("queue scan: " + e.getMessage());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /*
     * One queue scan (qmgr_active_feed, mail_open_ok): every entry is looked at on its own with
     * lstat(), so that nothing one entry does can stop the scan. An entry that is not a regular file (a
     * symlink, whatever it points at, or a directory with a queue ID name) is warned about and skipped,
     * as Postfix does; an entry that cannot be examined is warned about and skipped; files still being
     * written (not mode 0700) and deferred files whose time has not come are left alone.
     */
    private void scan(QueueName q, boolean ignoreTimeStamps) throws IOException, InterruptedException {
        long now = System.currentTimeMillis();
        for (QueueId id : queue.list(q)) {
            if (active.inFlight(id)) continue;
            Path p = queue.path(q, id);
            int mode;
            try {
                Map<String, Object> st = Files.readAttributes(p, "unix:mode,uid,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
                mode = (Integer) st.get("mode");
                if ((mode & 0170000) != 0100000) {
                    Msg.warn(relative(p) + ": uid " + st.get("uid") + ": not a regular file");
                    continue;
                }
                if (!MailQueue.isReady(mode)) continue;
                if (q == QueueName.DEFERRED && !ignoreTimeStamps && ((FileTime) st.get("lastModifiedTime")).toMillis() > now + 1000) continue;
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                Msg.warn(relative(p) + ": " + e.getMessage());
                continue;
            }
            try {
                active.admit(id, q, MailQueue.isForceExpired(mode));
            } catch (IOException e) {
                Msg.warn(id + ": " + q.dir() + ": " + e.getMessage());
            }
        }
    }

    private String relative(Path p) {
        try {
            return queueDirectory.relativize(p).toString();
        } catch (IllegalArgumentException e) {
            return p.toString();
        }
    }
}
