package org.postroom.global.mailbox;

import java.io.IOException;
import java.nio.file.Path;
import org.postroom.global.log.Msg;
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
 *
 * <p>{@code probe}: the answer to an address probe (sendmail -bv), as {@link Completion} returns it: final
 * either way, SENT when the address is deliverable and BOUNCED when it is not (whatever its status code,
 * a temporary failure included), so that qmgr counts the recipient done; it is logged as
 * "status=deliverable" or "status=undeliverable".
 */
public record Verdict(Outcome outcome, String dsn, String text, String mtaName, String diagType, String diagText, boolean probe) {

    public Verdict(Outcome outcome, String dsn, String text, String mtaName, String diagType, String diagText) {
        this(outcome, dsn, text, mtaName, diagType, diagText, false);
    }

    public Verdict(Outcome outcome, String dsn, String text) {
        this(outcome, dsn, text, "", "", "", false);
    }

    /** This result as a remote server's answer: {@code mta} said {@code reply} ("550 5.1.1 ..."). */
    public Verdict remote(String mta, String reply) {
        return new Verdict(outcome, dsn, text, mta, "smtp", reply, probe);
    }

    /** This result as a local command or file write failure (dsb_unix()): {@code detail} is the diagnostic text. */
    public Verdict unix(String detail) {
        return new Verdict(outcome, dsn, text, "", "x-unix", detail, probe);
    }

    /** This result as the answer to an address probe: deliverable when sent, else undeliverable. */
    public Verdict asProbe() {
        return new Verdict(outcome == Outcome.SENT ? Outcome.SENT : Outcome.BOUNCED, dsn, text, mtaName, diagType, diagText, true);
    }

    /** The same result with another reason text (trace.c: "delivery via RELAY: " before it). */
    public Verdict withText(String newText) {
        return new Verdict(outcome, dsn, newText, mtaName, diagType, diagText, probe);
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

    /** The status= word of the log line (log_adhoc: the DSN action of a probe). */
    public String statusWord() {
        if (probe) return outcome == Outcome.SENT ? "deliverable" : outcome == Outcome.DEFERRED ? "deferred" : "undeliverable";
        return switch (outcome) {
            case SENT -> "sent";
            case DEFERRED -> "deferred";
            case BOUNCED -> "bounced";
        };
    }

    /**
     * This result for a recipient of {@code req}, recorded in {@code queueFile}: see {@link Completion}
     * (the bounce or trace entry first, then the recipient is marked done; a step that fails defers).
     * {@code traceRelay} names the relay for trace entries (trace.c: "delivery via RELAY: text"); null
     * writes no success entry for NOTIFY=SUCCESS.
     */
    public Verdict completed(Path queueDirectory, Path queueFile, DeliverRequest req, DeliverRequest.Recipient rcpt, String traceRelay) {
        return new Completion(queueDirectory, queueFile, req).complete(rcpt, this, traceRelay, "delivered");
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
