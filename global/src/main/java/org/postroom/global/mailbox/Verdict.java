package org.postroom.global.mailbox;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.bounce.BounceClient;
import org.postroom.global.proto.bounce.BounceLog;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryStatus;
import org.postroom.global.proto.deliver.DeliveryStatus.Outcome;
import org.postroom.global.record.QueueFile;

/**
 * The result of one delivery attempt: the status class, the enhanced status code and the reason text
 * (Postfix's DSN_BUF, as delivery agents pass it to sent(), defer_append() and bounce_append()), and the
 * formal fields of the DSN when there are any: the remote server's name ({@code mta_mname}, the Remote-MTA
 * of a report) and the diagnostic type and text ({@code dtype}, {@code dtext}: the Diagnostic-Code), "smtp"
 * and the server's reply when a remote server gave it, "x-unix" and a sysexits text when a local command or
 * file write failed (dsb_unix()). Empty strings when there are none: a report then says "X-Postfix; reason".
 */
public record Verdict(Outcome outcome, String dsn, String text, String mtaName, String diagType, String diagText) {

    public Verdict(Outcome outcome, String dsn, String text) {
        this(outcome, dsn, text, "", "", "");
    }

    /** This result as a remote server's answer: {@code mta} said {@code reply} ("550 5.1.1 ..."). */
    public Verdict remote(String mta, String reply) {
        return new Verdict(outcome, dsn, text, mta, "smtp", reply);
    }

    /** This result as a local command or file write failure (dsb_unix()): {@code detail} is the diagnostic text. */
    public Verdict unix(String detail) {
        return new Verdict(outcome, dsn, text, "", "x-unix", detail);
    }

    public static Verdict sent(String text) {
        return new Verdict(Outcome.SENT, "2.0.0", text);
    }

    public static Verdict defer(String dsn, String text) {
        return new Verdict(Outcome.DEFERRED, dsn, text);
    }

    public static Verdict bounce(String dsn, String text) {
        return new Verdict(Outcome.BOUNCED, dsn, text);
    }

    /** soft_bounce (bounce_append() in bounce.c): this failure deferred, its status 4.x.x, the rest kept. */
    public Verdict soft() {
        return outcome != Outcome.BOUNCED ? this : new Verdict(Outcome.DEFERRED, "4" + dsn.substring(1), text, mtaName, diagType, diagText);
    }

    /** This result as an agent reports it to qmgr for the recipient at {@code offset}. */
    public DeliveryStatus status(long offset) {
        return new DeliveryStatus(offset, outcome, dsn, text, mtaName, diagType, diagText);
    }

    /** A 4.x.x code defers, anything else bounces (bounce_append versus defer_append). */
    public static Verdict failure(String dsn, String text) {
        return dsn.startsWith("4") ? defer(dsn, text) : bounce(dsn, text);
    }

    /** The status= word of the log line. */
    public String statusWord() {
        return switch (outcome) {
            case SENT -> "sent";
            case DEFERRED -> "deferred";
            case BOUNCED -> "bounced";
        };
    }

    /**
     * This result for a recipient of {@code req}, recorded in {@code queueFile} (deliver_completed.c,
     * bounce_append(), trace_append()): a bounced recipient's entry goes to the bounce log through
     * bounce(8) first, and only once it is on disk is the recipient marked done, so a failure the sender
     * must hear of cannot be lost; a sent one with NOTIFY=SUCCESS gets a trace entry, "delivered" with the
     * reason "delivery via RELAY: text" (trace.c), when {@code traceRelay} names the relay (null: none). When either step fails, a warning is logged and the
     * recipient is deferred instead, so that it is tried again rather than lost.
     */
    public Verdict completed(Path queueDirectory, Path queueFile, DeliverRequest req, DeliverRequest.Recipient rcpt, String traceRelay) {
        Duration timeout = BounceClient.TIMEOUT;
        if (outcome == Outcome.DEFERRED) return this;
        if (outcome == Outcome.BOUNCED && !BounceClient.append(queueDirectory, BounceClient.Service.BOUNCE, req.queueId().value(),
                entry(rcpt, "failed"), timeout)) {
            Msg.warn(req.queueId() + ": cannot record the bounce of " + rcpt.address() + ": bounce service unavailable");
            return defer("4.3.0", "bounce or trace service failure");
        }
        if (outcome == Outcome.SENT && traceRelay != null && (rcpt.dsnNotify() & BounceClient.NOTIFY_SUCCESS) != 0
                && !BounceClient.append(queueDirectory, BounceClient.Service.TRACE, req.queueId().value(),
                new Verdict(outcome, dsn, "delivery via " + traceRelay + ": " + text, mtaName, diagType, diagText)
                        .entry(rcpt, "delivered"), timeout)) {
            Msg.warn(req.queueId() + ": cannot record the delivery of " + rcpt.address() + " for its success report");
            return defer("4.3.0", "bounce or trace service failure");
        }
        return markDone(queueFile, req, rcpt);
    }

    /** As above, without a bounce service (tests): a bounced recipient is only marked done. */
    public Verdict completed(Path queueFile, DeliverRequest req, DeliverRequest.Recipient rcpt) {
        if (outcome == Outcome.DEFERRED) return this;
        return markDone(queueFile, req, rcpt);
    }

    private Verdict markDone(Path queueFile, DeliverRequest req, DeliverRequest.Recipient rcpt) {
        try {
            QueueFile.markDone(queueFile, rcpt.offset());
            return this;
        } catch (IOException e) {
            Msg.warn(req.queueId() + ": cannot mark recipient " + rcpt.address() + " done: " + Errno.text(e));
            return defer("4.3.0", "cannot update queue file: " + Errno.text(e));
        }
    }

    /** The log entry for {@code rcpt}, with the remote server's name and the diagnostic when there are any. */
    public BounceLog.Entry entry(DeliverRequest.Recipient rcpt, String action) {
        return new BounceLog.Entry(rcpt.address(), rcpt.originalRecipient(), rcpt.offset(), rcpt.dsnOrcpt(), rcpt.dsnNotify(), dsn,
                action, diagType, diagText, mtaName.isEmpty() ? "" : "dns", mtaName, text);
    }

    /** Of two results for one recipient, the one qmgr must act on: deferred beats bounced beats sent. */
    public Verdict worse(Verdict other) {
        return rank(other.outcome) > rank(outcome) ? other : this;
    }

    private static int rank(Outcome o) {
        return switch (o) {
            case SENT -> 0;
            case BOUNCED -> 1;
            case DEFERRED -> 2;
        };
    }
}
