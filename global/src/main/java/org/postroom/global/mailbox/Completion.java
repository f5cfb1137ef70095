package org.postroom.global.mailbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.bounce.BounceClient;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryStatus.Outcome;
import org.postroom.global.proto.deliver.TraceFlags;
import org.postroom.global.record.QueueFile;

/**
 * What a delivery agent does with the final result for a recipient before it answers qmgr
 * (deliver_completed.c, and sent.c, bounce.c, defer.c and trace.c as the request's trace flags choose):
 * <ul>
 *   <li>an address probe (sendmail -bv, {@link TraceFlags#only}): the result goes to the trace log with the
 *       action "deliverable" or "undeliverable" (a temporary failure is undeliverable too), and the
 *       recipient is done;</li>
 *   <li>otherwise a bounce goes to the bounce log as "failed", and a success of a NOTIFY=SUCCESS recipient
 *       to the trace log as "delivered" (smtp(8): "relayed"); with {@link TraceFlags#RECORD} (sendmail -v)
 *       every result goes to the trace log as well, a deferral as "delayed".</li>
 * </ul>
 * Trace entries give the reason as "delivery via RELAY: text" (trace.c; no prefix for relay "none"). Every
 * entry is on disk (bounce(8) fsyncs it before it answers) before the recipient is marked done, so nothing
 * the sender must hear of can be lost; when a step fails, a warning is logged and the recipient is deferred
 * instead, to be tried again.
 */
public final class Completion {
    /** One final destination of a recipient (local(8): an alias member, a .forward entry, the mailbox) and its result. */
    public record Leaf(String address, Verdict verdict) {}

    /** Receives the leaves this class logs: a probe's, each once its trace entry is on disk (trace.c log_adhoc). */
    @FunctionalInterface
    public interface Log {
        void result(String to, Verdict v);
    }

    private final Path queueDirectory;
    private final Path queueFile;
    private final String queueId;
    private final int flags;

    /** For the recipients of {@code req}, whose queue file is {@code queueFile}. */
    public Completion(Path queueDirectory, Path queueFile, DeliverRequest req) {
        this(queueDirectory, queueFile, req.queueId().value(), req.traceFlags());
    }

    /** For recipients of message {@code queueId} with these trace flags (qmgr's own results). */
    public Completion(Path queueDirectory, Path queueFile, String queueId, int traceFlags) {
        this.queueDirectory = queueDirectory;
        this.queueFile = queueFile;
        this.queueId = queueId;
        this.flags = TraceFlags.of(traceFlags);
    }

    /**
     * Result {@code v} for {@code rcpt}; returns what to log and to tell qmgr. {@code relay} names the relay in
     * trace entries; null writes no success entry for NOTIFY=SUCCESS (a RECORD entry then has no "delivery
     * via"). {@code successAction} is the DSN action of a success: "delivered", or "relayed".
     */
    public Verdict complete(DeliverRequest.Recipient rcpt, Verdict v, String relay, String successAction) {
        if (TraceFlags.only(flags)) {
            if (!trace(rcpt, v, relay, probeAction(v))) return Verdict.defer("4.3.0", "trace service failure");
            return markDone(rcpt, v.asProbe());
        }
        return complete(rcpt, v, relay, successAction, false);
    }

    /**
     * The results of one recipient's destinations (local(8)), and {@code worst}, the recipient's own. With trace
     * flags each leaf gets its trace entry, for the address it reached with the recipient's original address
     * (the report says "&lt;user@host&gt; (expanded from &lt;alias@host&gt;)"); a probe's leaves are logged
     * through {@code log} as their entries are written. {@code worst} is then completed as above (its bounce
     * entry, the mark), without a second trace entry. Without trace flags this is {@link #complete} of
     * {@code worst}.
     */
    public Verdict complete(DeliverRequest.Recipient rcpt, List<Leaf> leaves, Verdict worst, String relay, Log log) {
        if (flags == 0) return complete(rcpt, worst, relay, "delivered", false);
        boolean failed = false;
        for (Leaf l : leaves) {
            DeliverRequest.Recipient at = new DeliverRequest.Recipient(rcpt.offset(), rcpt.originalRecipient(), l.address(),
                    rcpt.dsnOrcpt(), rcpt.dsnNotify());
            Verdict v = l.verdict();
            if (TraceFlags.only(flags)) {
                if (trace(at, v, relay, probeAction(v))) log.result(l.address(), v.asProbe());
                else failed = true;
            } else if (!trace(at, v, relay, action(v, "delivered")) && v.outcome() != Outcome.DEFERRED) {
                failed = true;
            }
        }
        if (failed) {
            Verdict d = Verdict.defer("4.3.0", TraceFlags.only(flags) ? "trace service failure" : "bounce or trace service failure");
            if (TraceFlags.only(flags)) log.result(rcpt.address(), d);
            return d;
        }
        if (TraceFlags.only(flags)) return markDone(rcpt, worst.asProbe());
        return complete(rcpt, worst, relay, "delivered", true);
    }

    /** bounce_append(), sent() and defer_append() of ordinary mail; {@code recorded}: the RECORD entry is written already. */
    private Verdict complete(DeliverRequest.Recipient rcpt, Verdict v, String relay, String successAction, boolean recorded) {
        boolean record = TraceFlags.record(flags) && !recorded;
        switch (v.outcome()) {
            case DEFERRED -> {
                if (record) trace(rcpt, v, relay, "delayed"); // defer.c: a warning only
                return v;
            }
            case BOUNCED -> {
                if (!BounceClient.append(queueDirectory, BounceClient.Service.BOUNCE, queueId, v.entry(rcpt, "failed"),
                        BounceClient.TIMEOUT)) {
                    Msg.warn(queueId + ": cannot record the bounce of " + rcpt.address() + ": bounce service unavailable");
                    return Verdict.defer("4.3.0", "bounce or trace service failure");
                }
                if (record && !trace(rcpt, v, relay, "failed")) return Verdict.defer("4.3.0", "bounce or trace service failure");
            }
            case SENT -> {
                boolean notify = relay != null && !recorded && (rcpt.dsnNotify() & BounceClient.NOTIFY_SUCCESS) != 0;
                if ((record || notify) && !trace(rcpt, v, relay, successAction)) {
                    return Verdict.defer("4.3.0", "bounce or trace service failure");
                }
            }
        }
        return markDone(rcpt, v);
    }

    /** trace_append(): the entry with "delivery via RELAY: " before the reason; true when it is on disk. */
    private boolean trace(DeliverRequest.Recipient rcpt, Verdict v, String relay, String action) {
        String via = relay == null || relay.equals("none") ? "" : "delivery via " + relay + ": ";
        if (BounceClient.append(queueDirectory, BounceClient.Service.TRACE, queueId,
                v.withText(via + v.text()).entry(rcpt, action), BounceClient.TIMEOUT)) {
            return true;
        }
        Msg.warn(queueId + ": trace service failure");
        return false;
    }

    private Verdict markDone(DeliverRequest.Recipient rcpt, Verdict v) {
        try {
            QueueFile.markDone(queueFile, rcpt.offset());
            return v;
        } catch (IOException e) {
            Msg.warn(queueId + ": cannot mark recipient " + rcpt.address() + " done: " + Errno.text(e));
            return Verdict.defer("4.3.0", "cannot update queue file: " + Errno.text(e));
        }
    }

    private static String probeAction(Verdict v) {
        return v.outcome() == Outcome.SENT ? "deliverable" : "undeliverable";
    }

    /** The DSN action of an ordinary result. */
    static String action(Verdict v, String successAction) {
        return switch (v.outcome()) {
            case SENT -> successAction;
            case BOUNCED -> "failed";
            case DEFERRED -> "delayed";
        };
    }
}
