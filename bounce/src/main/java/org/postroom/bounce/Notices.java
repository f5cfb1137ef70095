package org.postroom.bounce;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.postroom.global.bounce.BounceTemplate.Kind;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.bounce.BounceClient;
import org.postroom.global.proto.bounce.BounceLog;
import org.postroom.global.proto.cleanup.CleanupClient;
import org.postroom.global.proto.cleanup.CleanupStatus;
import org.postroom.global.proto.deliver.TraceFlags;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;
import org.postroom.util.Printable;

/**
 * Who gets which notice (bounce_notify_service.c, bounce_warn_service.c, bounce_trace_service.c, spec
 * 8.1), and its submission through cleanup(8). The notice text itself is {@link NoticeWriter}'s.
 */
final class Notices {
    /** Content lines longer than this go to cleanup as continued records. */
    private static final int PIECE = 2048;

    private final MailQueue queue;
    private final NoticeWriter writer;
    private final int maxRecord;
    private final String myorigin;
    private final Set<String> notifyClasses;
    private final String bounceRcpt;
    private final String twoBounceRcpt;
    private final String delayRcpt;
    private final java.time.Duration timeout;

    Notices(MainCf cfg, MailQueue queue, NoticeWriter writer) {
        this.queue = queue;
        this.writer = writer;
        this.maxRecord = Math.max(cfg.get(Params.LINE_LENGTH_LIMIT), 2048) * 2;
        this.myorigin = cfg.get(Params.MYORIGIN);
        this.notifyClasses = cfg.get(Params.NOTIFY_CLASSES).stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.bounceRcpt = cfg.get(Params.BOUNCE_NOTICE_RECIPIENT);
        this.twoBounceRcpt = cfg.get(Params.TWOBOUNCE_NOTICE_RECIPIENT);
        this.delayRcpt = cfg.get(Params.DELAY_NOTICE_RECIPIENT);
        this.timeout = cfg.get(Params.IPC_TIMEOUT);
    }

    /** What a flush, warn or trace request names. */
    private record Request(QueueName queueName, QueueId id, String sender) {}

    private static Request request(Attrs a) {
        QueueName q = QueueName.of(a.optional(AttrNames.QUEUE_NAME).orElse(""));
        String id = a.optional(AttrNames.QUEUE_ID).orElse("");
        if (q == null || !QueueId.valid(id)) return null;
        return new Request(q, new QueueId(id), a.optional(AttrNames.SENDER).orElse(""));
    }

    /** bounce: the non-delivery report from the bounce log; defer: the same for an expired message. */
    int flush(BounceClient.Service service, Attrs a) {
        if (service == BounceClient.Service.TRACE) return BounceClient.STAT_FAIL;
        Request r = request(a);
        if (r == null) return malformed();
        Path log = queue.path(service == BounceClient.Service.BOUNCE ? QueueName.BOUNCE : QueueName.DEFER, r.id());
        try {
            List<BounceLog.Entry> entries = BounceLog.read(log);
            // an expired message's delays are failures now; the status stays 4.x.y (spec 8.3)
            if (service == BounceClient.Service.DEFER) entries = entries.stream().map(e -> e.withAction("failed")).toList();
            if (!entries.isEmpty() && !failure(r, entries)) return BounceClient.STAT_FAIL;
            Files.deleteIfExists(log);
            return BounceClient.STAT_OK;
        } catch (IOException e) {
            Msg.warn(r.id() + ": cannot report the non-delivery: " + e.getMessage());
            return BounceClient.STAT_FAIL;
        }
    }

    /** The sender's report and the postmaster's copies for failed recipients; false when one could not be queued. */
    private boolean failure(Request r, List<BounceLog.Entry> entries) throws IOException {
        Path file = queue.path(r.queueName(), r.id());
        String doubleBounce = "double-bounce@" + myorigin;
        if (r.sender().isEmpty()) {
            // a bounce that bounced: to the postmaster as a double bounce, or nowhere
            if (!notifyClasses.contains("2bounce")) return true;
            return send(file, r, Kind.FAILURE, true, true, entries, doubleBounce, twoBounceRcpt, "postmaster non-delivery notification");
        }
        if (r.sender().equalsIgnoreCase(doubleBounce)) {
            Msg.warn(r.id() + ": undeliverable postmaster notification discarded");
            return true;
        }
        List<BounceLog.Entry> wanted = entries.stream().filter(e -> wants(e, BounceClient.NOTIFY_FAILURE)).toList();
        if (!wanted.isEmpty() && !send(file, r, Kind.FAILURE, false, false, wanted, "", r.sender(), "sender non-delivery notification")) {
            return false;
        }
        if (notifyClasses.contains("bounce")) {
            return send(file, r, Kind.FAILURE, true, false, entries, doubleBounce, bounceRcpt, "postmaster non-delivery notification");
        }
        return true;
    }

    /** defer: the delay warning from the defer log, which stays. */
    int warn(BounceClient.Service service, Attrs a) {
        if (service != BounceClient.Service.DEFER) return BounceClient.STAT_FAIL;
        Request r = request(a);
        if (r == null) return malformed();
        try {
            List<BounceLog.Entry> entries = BounceLog.read(queue.path(QueueName.DEFER, r.id()));
            if (entries.isEmpty() || r.sender().isEmpty()) return BounceClient.STAT_OK;
            Path file = queue.path(r.queueName(), r.id());
            List<BounceLog.Entry> wanted = entries.stream().filter(e -> wants(e, BounceClient.NOTIFY_DELAY)).toList();
            if (!wanted.isEmpty() && !send(file, r, Kind.DELAY, false, false, wanted, "", r.sender(), "sender delay notification")) {
                return BounceClient.STAT_FAIL;
            }
            if (notifyClasses.contains("delay")
                    && !send(file, r, Kind.DELAY, true, false, entries, "double-bounce@" + myorigin, delayRcpt, "postmaster delay notification")) {
                return BounceClient.STAT_FAIL;
            }
            return BounceClient.STAT_OK;
        } catch (IOException e) {
            Msg.warn(r.id() + ": cannot report the delay: " + e.getMessage());
            return BounceClient.STAT_FAIL;
        }
    }

    /**
     * trace (bounce_trace_service.c): the report made from the trace log, then the log goes. The request's
     * flags choose it: with {@link TraceFlags#USR_VRFY} or {@link TraceFlags#RECORD} (sendmail -bv, -v) the
     * "Mail Delivery Status Report", else the DSN success report; every entry is reported. As with failures,
     * a report about a message from the null sender goes to 2bounce_notice_recipient when notify_classes has
     * 2bounce and nowhere otherwise, and a double bounce gets none.
     */
    int trace(BounceClient.Service service, Attrs a) {
        if (service != BounceClient.Service.TRACE) return BounceClient.STAT_FAIL;
        Request r = request(a);
        if (r == null) return malformed();
        int flags;
        try {
            flags = Integer.parseInt(a.optional(AttrNames.FLAGS).orElse("0"));
        } catch (NumberFormatException e) {
            return malformed();
        }
        Kind kind = (flags & (TraceFlags.USR_VRFY | TraceFlags.RECORD)) != 0 ? Kind.VERIFY : Kind.SUCCESS;
        Path log = queue.path(QueueName.TRACE, r.id());
        String doubleBounce = "double-bounce@" + myorigin;
        String to = r.sender();
        String from = "";
        try {
            if (r.sender().equalsIgnoreCase(doubleBounce)) {
                Msg.info(r.id() + ": not sending trace/success notification for double-bounce message");
                to = null;
            } else if (r.sender().isEmpty() && notifyClasses.contains("2bounce")) {
                to = twoBounceRcpt;
                from = doubleBounce;
            } else if (r.sender().isEmpty()) {
                Msg.info(r.id() + ": not sending trace/success notification for single-bounce message");
                to = null;
            }
            List<BounceLog.Entry> entries = BounceLog.read(log);
            if (to != null && !entries.isEmpty() && !send(queue.path(r.queueName(), r.id()), r, kind, false, false, entries, from, to,
                    "sender delivery status notification")) {
                return BounceClient.STAT_FAIL;
            }
            Files.deleteIfExists(log);
            return BounceClient.STAT_OK;
        } catch (IOException e) {
            Msg.warn(r.id() + ": cannot report the delivery status: " + e.getMessage());
            return BounceClient.STAT_FAIL;
        }
    }

    /** NOTIFY: none given means FAILURE and DELAY (RFC 3461); NEVER means nothing. */
    private static boolean wants(BounceLog.Entry e, int what) {
        int n = e.notifyFlags();
        if (n == 0) return what != BounceClient.NOTIFY_SUCCESS;
        return (n & what) != 0;
    }

    /** Queues one notice from {@code sender} to {@code to}; logs "ORIGID: what: NEWID". */
    private boolean send(Path queueFile, Request r, Kind kind, boolean postmasterCopy, boolean doubleBounce, List<BounceLog.Entry> entries,
                         String sender, String to, String what) throws IOException {
        if (entries.isEmpty()) return true; // nobody to report
        if (!Files.exists(queueFile)) throw new NoSuchFileException(queueFile.toString());
        Original o = Original.open(queueFile, r.id().value(), maxRecord);
        try (CleanupClient c = CleanupClient.open(queue.root(), 0, timeout)) {
            Instant now = Instant.now();
            Notice n = postmasterCopy ? Notice.toPostmaster(kind, to, doubleBounce, c.queueId().value(), now)
                    : Notice.toSender(kind, to, o.dsnRet(), c.queueId().value(), now);
            RecordWriter w = c.records();
            w.put(RecordType.TIME, now.getEpochSecond() + " " + now.getNano() / 1000);
            w.put(RecordType.FROM, sender);
            w.attr("rewrite_context", "local");
            w.put(RecordType.RCPT, to);
            w.put(RecordType.MESG, "");
            writer.write(n, o, entries, (b, off, len) -> w.putLine(b, off, len, PIECE));
            w.put(RecordType.XTRA, "");
            w.put(RecordType.END, "");
            CleanupStatus st = c.finish();
            if (!st.ok()) {
                Msg.warn(r.id() + ": cleanup refused the " + what + ": status " + st.status() + " " + Printable.sanitize(st.reason()));
                return false;
            }
            Msg.info(r.id() + ": " + what + ": " + c.queueId());
            return true;
        }
    }

    private static int malformed() {
        Msg.warn("malformed request");
        return BounceClient.STAT_FAIL;
    }
}
