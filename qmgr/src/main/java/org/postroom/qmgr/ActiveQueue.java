package org.postroom.qmgr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.postroom.global.log.DeliveryLog;
import org.postroom.global.log.Msg;
import org.postroom.global.mailbox.Completion;
import org.postroom.global.mailbox.Verdict;
import org.postroom.global.proto.bounce.BounceClient;
import org.postroom.global.proto.bounce.BounceLog;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryReply;
import org.postroom.global.proto.deliver.DeliveryStatus;
import org.postroom.global.proto.rewrite.ResolveReply;
import org.postroom.global.proto.rewrite.RewriteClient;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.global.record.QueueFile;
import org.postroom.global.record.RecordException;
import org.postroom.global.record.RecordType;
import org.postroom.util.Printable;

/**
 * The active queue (qmgr_active.c, qmgr_message.c, qmgr_defer.c): admits a message by renaming it into
 * active/, resolves its recipients, batches them per transport and destination, hands the batches to
 * the {@link Scheduler} (which delivers within each destination's concurrency window), and decides the
 * message's fate when every batch has reported: removed, or deferred with its retry time as the file's
 * mtime.
 */
final class ActiveQueue {
    private final Settings s;
    private final MailQueue queue;
    private final RewriteClient resolver;
    private final Deliverer deliverer;
    private final Semaphore activeSlots;
    private final Set<QueueId> inFlight = ConcurrentHashMap.newKeySet();
    private final Scheduler scheduler;
    /**
     * Transports whose agent could not be reached, with the System.nanoTime() until which they count as
     * down (qmgr_transport_throttle): their mail is deferred at once instead of each batch waiting for a
     * connection, for transport_retry_time.
     */
    private final Map<String, Long> downTransports = new ConcurrentHashMap<>();

    ActiveQueue(Settings s, MailQueue queue, RewriteClient resolver, Deliverer deliverer) {
        this.s = s;
        this.queue = queue;
        this.resolver = resolver;
        this.deliverer = deliverer;
        this.activeSlots = new Semaphore(s.activeLimit());
        this.scheduler = new Scheduler(s::transport, s.minBackoff());
    }

    boolean inFlight(QueueId id) {
        return inFlight.contains(id);
    }

    int size() {
        return inFlight.size();
    }

    /**
     * Moves {@code id} from {@code from} into active and starts its deliveries; a message that postsuper
     * force-expired ({@code forceExpired}, read from its mode where qmgr found it) is returned instead.
     */
    void admit(QueueId id, QueueName from, boolean forceExpired) throws IOException, InterruptedException {
        activeSlots.acquire();
        if (!inFlight.add(id)) {
            activeSlots.release();
            return;
        }
        boolean started = false;
        try {
            Path file;
            try {
                file = queue.rename(id, from, QueueName.ACTIVE);
            } catch (NoSuchFileException e) {
                return; // removed meanwhile (postsuper), or another scan took it
            }
            long activeAt = System.currentTimeMillis();
            QueuedMessage m;
            try {
                m = QueuedMessage.load(id, file, s.maxRecord());
            } catch (RecordException e) {
                corrupt(id, e.getMessage());
                return;
            } catch (java.io.EOFException e) {
                corrupt(id, "premature end of queue file");
                return;
            } catch (NoSuchFileException e) {
                return; // removed meanwhile
            } catch (IOException e) {
                // Postfix's qmgr_message_open() makes this fatal; here the file stays in active/, out of
                // the way of the scans, and is retried after the next qmgr restart
                Msg.warn("open active " + id + ": " + e.getMessage());
                return;
            }
            Msg.info(id + ": from=<" + Printable.sanitize(m.sender()) + ">, size=" + m.size() + ", nrcpt="
                    + m.totalRecipients() + " (queue active)");
            if (forceExpired) {
                // qmgr_message_read: postsuper -e/-f. No delivery: the defer log of the last attempt is
                // reported as it is; without one, every recipient is deferred as the retry transport does,
                // so that the sender still learns which recipients are affected and why
                Progress p = new Progress();
                p.forceExpired = true;
                if (nonEmpty(queue.path(QueueName.DEFER, id))) {
                    p.keptDeferLog = true;
                } else {
                    for (QueuedMessage.Recipient r : m.recipients()) defer(m, file, r, activeAt, p, "4.7.0", "message is administratively expired");
                }
                started = true;
                finish(m, file, p);
                return;
            }
            // the defer log of the previous attempt goes: this attempt writes its own (qmgr_message_read)
            queue.remove(QueueName.DEFER, id);
            started = dispatch(m, file, activeAt);
        } finally {
            if (!started) {
                inFlight.remove(id);
                activeSlots.release();
            }
        }
    }

    private void corrupt(QueueId id, String why) {
        // qmgr_message_read's complaint, then qmgr_active_corrupt's
        Msg.warn(id + ": message rejected: " + why);
        try {
            Path p = queue.rename(id, QueueName.ACTIVE, QueueName.CORRUPT);
            Msg.warn("saving corrupt file \"" + id + "\" from queue \"active\" to queue \"corrupt\"");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r--------"));
        } catch (NoSuchFileException e) {
            // removed meanwhile
        } catch (IOException e) {
            Msg.warn(id + ": save corrupt file queue active id " + id + ": " + e.getMessage());
        }
    }

    /** One batch: recipients that share transport and destination queue (and so the next hop). */
    private record Batch(String transport, String queueName, String nexthop, List<QueuedMessage.Recipient> recipients) {}

    /** A recipient that stays in the queue, with the status and reason for its defer log entry. */
    private record Deferral(QueuedMessage.Recipient recipient, String dsn, String reason, String mtaName, String diagType,
                            String diagText) {
        Deferral(QueuedMessage.Recipient recipient, String dsn, String reason) {
            this(recipient, dsn, reason, "", "", "");
        }
    }

    /** Per-message progress across its batches. */
    private static final class Progress {
        final AtomicInteger pending = new AtomicInteger();
        final ConcurrentLinkedQueue<Deferral> deferred = new ConcurrentLinkedQueue<>();
        /** postsuper -e/-f: no delivery; the defer log (kept, or made from "administratively expired") is reported. */
        boolean forceExpired;
        /** The defer log of the last attempts is kept and reported as it is (force-expiry with a log). */
        boolean keptDeferLog;

        boolean remaining() {
            return !deferred.isEmpty() || keptDeferLog;
        }
    }

    /*
     * qmgr_message_resolve() and qmgr_message_assign(): each recipient goes to the queue of its transport
     * and destination, in batches of at most TRANSPORT_destination_recipient_limit (0: no limit); with a
     * limit of 1 the destination is the recipient. All batches of the message are handed to the
     * scheduler at once.
     */
    private boolean dispatch(QueuedMessage m, Path file, long activeAt) throws IOException {
        Map<String, Batch> batches = new LinkedHashMap<>();
        List<Batch> ready = new ArrayList<>();
        Progress p = new Progress();
        for (QueuedMessage.Recipient r : m.recipients()) {
            ResolveReply rr = resolve(m.sender(), r.address());
            if (rr == null || rr.failed()) {
                defer(m, file, r, activeAt, p, "4.3.0", "address resolver failure");
                continue;
            }
            int limit = s.transport(rr.transport()).recipientLimit();
            String queueName = DestinationQueue.queueName(rr.transport(), rr.nexthop(), rr.recipient(), limit, s.recipientDelimiter());
            String key = rr.transport() + "\0" + queueName;
            Batch b = batches.computeIfAbsent(key, k -> new Batch(rr.transport(), queueName, rr.nexthop(), new ArrayList<>()));
            b.recipients().add(r.withAddress(rr.recipient()));
            if (limit > 0 && b.recipients().size() >= limit) {
                ready.add(b);
                batches.remove(key);
            }
        }
        ready.addAll(batches.values());
        if (ready.isEmpty()) {
            finish(m, file, p);
            return true;
        }
        p.pending.set(ready.size());
        List<Job> scheduled = new ArrayList<>();
        for (Batch b : ready) {
            Job j = new Job(m, file, activeAt, b, p);
            if (b.transport().equals("error") || b.transport().equals("discard")) {
                Thread.ofVirtual().name("deliver-" + m.id()).start(() -> {
                    try {
                        localDisposition(m, file, activeAt, b, p);
                    } finally {
                        j.completed();
                    }
                });
            } else if (transportDown(b.transport())) {
                j.deferAll("4.3.0", "mail transport unavailable");
                j.completed();
            } else {
                scheduled.add(j);
            }
        }
        scheduler.submit(scheduled);
        return true;
    }

    /** The resolver's answer, or null when trivial-rewrite cannot be reached. */
    private ResolveReply resolve(String sender, String address) {
        try {
            return resolver.resolve(sender, address);
        } catch (IOException e) {
            Msg.warn("resolve " + Printable.sanitize(address) + ": " + e.getMessage());
            return null;
        }
    }

    /** The F trigger (qmgr_enable_all()): forget dead destinations and unavailable transports. */
    void enableAll() {
        downTransports.clear();
        scheduler.enableAll();
    }

    /** One batch as a scheduler entry (qmgr_deliver.c): the delivery request and what becomes of its recipients. */
    private final class Job implements Scheduler.Delivery {
        private final QueuedMessage m;
        private final Path file;
        private final long activeAt;
        private final Batch b;
        private final Progress p;

        Job(QueuedMessage m, Path file, long activeAt, Batch b, Progress p) {
            this.m = m;
            this.file = file;
            this.activeAt = activeAt;
            this.b = b;
            this.p = p;
        }

        @Override
        public String transport() {
            return b.transport();
        }

        @Override
        public String queueName() {
            return b.queueName();
        }

        @Override
        public String nexthop() {
            return b.nexthop();
        }

        @Override
        public Scheduler.Result attempt() {
            try {
                if (transportDown(b.transport())) { // found down while this batch waited its turn
                    deferAll("4.3.0", "mail transport unavailable");
                    return Scheduler.Result.NO_ANSWER;
                }
                List<DeliverRequest.Recipient> rs = b.recipients().stream()
                        .map(r -> new DeliverRequest.Recipient(r.offset(), r.original(), r.address(), r.dsnOrcpt(), r.dsnNotify())).toList();
                // qmgr_deliver.c: a UTF-8 recipient in this request makes SMTPUTF8 a requirement, when it was requested
                int sendopts = m.sendopts();
                if ((sendopts & DeliverRequest.SMTPUTF8_REQUESTED) != 0
                        && rs.stream().anyMatch(r -> !r.address().chars().allMatch(c -> c < 0x80))) {
                    sendopts |= DeliverRequest.SMTPUTF8_RECIPIENT;
                }
                DeliverRequest req = new DeliverRequest(QueueName.ACTIVE, m.id(), m.dataOffset(), m.size(), b.nexthop(),
                        m.encoding(), m.sender(), m.arrivalMillis(), activeAt, m.clientName(), m.clientAddress(), rs,
                        m.dsnEnvid(), m.dsnRet(), sendopts, m.traceFlags());
                DeliveryReply reply = deliverer.deliver(b.transport(), req);
                for (QueuedMessage.Recipient r : b.recipients()) {
                    DeliveryStatus st = reply.recipients().stream().filter(x -> x.offset() == r.offset()).findFirst().orElse(null);
                    if (st == null) {
                        defer(m, file, r, activeAt, p, "4.3.0", "unknown mail transport error");
                    } else if (st.outcome() == DeliveryStatus.Outcome.DEFERRED) {
                        // the agent logged it
                        p.deferred.add(new Deferral(r, st.dsn(), st.reason(), st.mtaName(), st.diagType(), st.diagText()));
                    }
                }
                return Scheduler.Result.of(reply);
            } catch (Deliverer.TransportUnavailable e) {
                Msg.warn("connect to transport private/" + b.transport() + ": " + e.getMessage());
                downTransports.put(b.transport(), System.nanoTime() + s.transportRetry().toNanos());
                deferAll("4.3.0", "mail transport unavailable");
                return Scheduler.Result.NO_ANSWER;
            } catch (IOException e) {
                Msg.warn(m.id() + ": transport " + b.transport() + " failed: " + e.getMessage());
                deferAll("4.3.0", "unknown mail transport error");
                return Scheduler.Result.NO_ANSWER;
            } finally {
                completed();
            }
        }

        @Override
        public void suspend(DeliveryReply.HopStatus why) {
            try {
                deferAll(why.dsn(), why.reason());
            } finally {
                completed();
            }
        }

        /** Defers every recipient of the batch without (further) help from the agent, logging each. */
        void deferAll(String dsn, String reason) {
            for (QueuedMessage.Recipient r : b.recipients()) defer(m, file, r, activeAt, p, dsn, reason);
        }

        /** The batch is settled; the message is finished with its last batch. */
        void completed() {
            if (p.pending.decrementAndGet() == 0) finish(m, file, p);
        }
    }

    /** True when the transport is throttled as unavailable (qmgr_transport_throttle), for transport_retry_time. */
    private boolean transportDown(String transport) {
        Long until = downTransports.get(transport);
        if (until == null) return false;
        if (System.nanoTime() - until >= 0) {
            downTransports.remove(transport, until);
            return false;
        }
        return true;
    }

    /**
     * error: and discard: destinations are settled here (Postfix hands them to error(8)/discard(8)): a bounce
     * or success through {@link Completion}, as an agent would (trace entries for sendmail -v and -bv and
     * NOTIFY=SUCCESS, with relay none), then the recipient is done.
     */
    private void localDisposition(QueuedMessage m, Path file, long activeAt, Batch b, Progress p) {
        boolean bounce = b.transport().equals("error");
        String hop = b.nexthop();
        String dsn = bounce ? "5.0.0" : "2.0.0";
        String text = hop;
        if (bounce && hop.matches("^[45]\\.\\d{1,3}\\.\\d{1,3} .*")) {
            dsn = hop.substring(0, hop.indexOf(' '));
            text = hop.substring(hop.indexOf(' ') + 1);
        }
        Completion c = new Completion(queue.root(), file, m.id().value(), m.traceFlags());
        Verdict v = bounce ? Verdict.bounce(dsn, text) : Verdict.sent("discarded");
        for (QueuedMessage.Recipient r : b.recipients()) {
            Verdict done = c.complete(request(r), v, "none", "delivered");
            if (done.outcome() == DeliveryStatus.Outcome.DEFERRED) {
                defer(m, file, r, activeAt, p, done.dsn(), done.text());
            } else {
                log(m, r, "none", activeAt, done.dsn(), done.statusWord(), done.text());
            }
        }
    }

    private static DeliverRequest.Recipient request(QueuedMessage.Recipient r) {
        return new DeliverRequest.Recipient(r.offset(), r.original(), r.address(), r.dsnOrcpt(), r.dsnNotify());
    }

    /**
     * Defers a recipient no agent has seen; qmgr writes its delivery line itself (qmgr_defer_recipient():
     * defer_append() with the message's trace flags). The answer to an address probe is final instead:
     * "undeliverable" in the trace log, and the recipient is done.
     */
    private void defer(QueuedMessage m, Path file, QueuedMessage.Recipient r, long activeAt, Progress p, String dsn, String reason) {
        Verdict v = Verdict.defer(dsn, reason);
        if (m.traceFlags() != 0) v = new Completion(queue.root(), file, m.id().value(), m.traceFlags()).complete(request(r), v, "none", "delivered");
        if (v.outcome() != DeliveryStatus.Outcome.DEFERRED) {
            log(m, r, "none", activeAt, v.dsn(), v.statusWord(), v.text());
            return;
        }
        p.deferred.add(new Deferral(r, v.dsn(), v.text()));
        log(m, r, "none", activeAt, v.dsn(), "deferred", v.text());
    }

    private void log(QueuedMessage m, QueuedMessage.Recipient r, String relay, long activeAt, String dsn, String status, String text) {
        long now = System.currentTimeMillis();
        Msg.info(DeliveryLog.line(m.id().value(), r.address(), r.original(), relay, m.arrivalMillis(), activeAt, now, now, now,
                dsn, status, text));
    }

    /**
     * qmgr_active_done: first the non-delivery report for the recipients that bounced (the bounce log),
     * then the success report (the trace log), then, when recipients remain: the expiry report (the defer
     * log) for a message too old or force-expired, or the one delay warning once its time has come, and
     * the move to deferred with backoff. A notice that bounce(8) cannot send keeps the message queued,
     * so it is tried again: a failure the sender must hear of is never dropped.
     */
    private void finish(QueuedMessage m, Path file, Progress p) {
        try {
            BounceClient.MessageInfo info = new BounceClient.MessageInfo(QueueName.ACTIVE.dir(), m.id().value(), m.encoding(),
                    m.sendopts(), m.sender(), m.dsnEnvid(), m.dsnRet());
            boolean noticeFailed = false;
            if (nonEmpty(queue.path(QueueName.BOUNCE, m.id()))
                    && !BounceClient.notify(queue.root(), BounceClient.Service.BOUNCE, BounceClient.CMD_FLUSH, BounceClient.FLAG_KEEP, info, NOTICE_TIMEOUT)) {
                Msg.warn(m.id() + ": cannot send the non-delivery notification: bounce service failure -- message kept");
                noticeFailed = true;
            }
            if (!noticeFailed && Files.exists(queue.path(QueueName.TRACE, m.id()))) {
                // the trace flags choose the report: "Mail Delivery Status Report" (sendmail -bv, -v) or a DSN success report
                if (!BounceClient.notify(queue.root(), BounceClient.Service.TRACE, BounceClient.CMD_TRACE,
                        BounceClient.FLAG_KEEP | m.traceFlags(), info, NOTICE_TIMEOUT)) {
                    Msg.warn(m.id() + ": cannot send the delivery status notification: trace service failure -- message kept");
                    noticeFailed = true;
                } else if (m.traceFlagsOffset() >= 0 && p.remaining()) {
                    // sendmail -v reports the first delivery attempt only (qmgr_active_done_25_trace_flush)
                    try {
                        QueueFile.kill(file, m.traceFlagsOffset(), RecordType.ATTR);
                    } catch (IOException e) {
                        Msg.warn(m.id() + ": cannot update queue file: " + e.getMessage());
                    }
                }
            }
            if (!p.remaining() && !noticeFailed) {
                queue.remove(QueueName.ACTIVE, m.id());
                queue.remove(QueueName.DEFER, m.id());
                Msg.info(m.id() + ": removed");
                return;
            }
            // defer_append(): each deferred recipient's entry goes to the defer log through the defer
            // service, as Postfix's agents and qmgr write it; a failure costs only the reason mailq shows
            for (Deferral d : p.deferred) {
                QueuedMessage.Recipient r = d.recipient();
                BounceLog.Entry e = new BounceLog.Entry(r.address(), r.original(), r.offset(), r.dsnOrcpt(), r.dsnNotify(), d.dsn(),
                        "delayed", d.diagType(), d.diagText(), d.mtaName().isEmpty() ? "" : "dns", d.mtaName(), d.reason());
                if (!BounceClient.append(queue.root(), BounceClient.Service.DEFER, m.id().value(), e, BounceClient.TIMEOUT)) {
                    Msg.warn(m.id() + ": defer service failure");
                }
            }
            long nowSec = System.currentTimeMillis() / 1000;
            long age = Math.max(0, nowSec - m.createSeconds());
            Duration lifetime = m.sender().isEmpty() ? s.bounceLifetime() : s.queueLifetime();
            String expired = p.forceExpired ? "force-expired" : age >= lifetime.toSeconds() ? "expired" : null;
            if (expired != null && p.remaining() && !noticeFailed) {
                Msg.info(m.id() + ": from=<" + Printable.sanitize(m.sender()) + ">, status=" + expired + ", returned to sender");
                if (BounceClient.notify(queue.root(), BounceClient.Service.DEFER, BounceClient.CMD_FLUSH, BounceClient.FLAG_KEEP, info, NOTICE_TIMEOUT)) {
                    queue.remove(QueueName.ACTIVE, m.id());
                    queue.remove(QueueName.DEFER, m.id());
                    Msg.info(m.id() + ": removed");
                    return;
                }
                Msg.warn(m.id() + ": cannot send the non-delivery notification for the expired message: bounce service failure -- message kept");
            } else if (m.warnSeconds() > 0 && nowSec >= m.warnSeconds() - 1 && p.remaining() && !noticeFailed) {
                if (BounceClient.notify(queue.root(), BounceClient.Service.DEFER, BounceClient.CMD_WARN, BounceClient.FLAG_KEEP, info, NOTICE_TIMEOUT)) {
                    QueueFile.kill(file, m.warnOffset(), RecordType.WARN); // once
                } else {
                    Msg.warn(m.id() + ": cannot send the delay notification: bounce service failure");
                }
            }
            long delay = Math.min(Math.max(age, s.minBackoff().toSeconds()), s.maxBackoff().toSeconds());
            if (noticeFailed) delay = s.minBackoff().toSeconds();
            Path d = queue.rename(m.id(), QueueName.ACTIVE, QueueName.DEFERRED);
            FileTime next = FileTime.fromMillis((nowSec + delay) * 1000);
            Files.setLastModifiedTime(d, next);
        } catch (IOException e) {
            Msg.warn(m.id() + ": cannot finish message: " + e.getMessage() + " -- left in active queue");
        } finally {
            inFlight.remove(m.id());
            activeSlots.release();
        }
    }

    /** How long qmgr waits for bounce(8) to make and submit one notice. */
    private static final Duration NOTICE_TIMEOUT = Duration.ofSeconds(100);

    private static boolean nonEmpty(Path p) {
        try {
            return Files.size(p) > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
