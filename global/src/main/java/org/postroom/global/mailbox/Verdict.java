package org.postroom.global.mailbox;

import java.io.IOException;
import java.nio.file.Path;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryStatus.Outcome;
import org.postroom.global.record.QueueFile;

/**
 * The result of one delivery attempt: the status class, the enhanced status code and the reason text
 * (Postfix's DSN_BUF, as delivery agents pass it to sent(), defer_append() and bounce_append()).
 */
public record Verdict(Outcome outcome, String dsn, String text) {

    public static Verdict sent(String text) {
        return new Verdict(Outcome.SENT, "2.0.0", text);
    }

    public static Verdict defer(String dsn, String text) {
        return new Verdict(Outcome.DEFERRED, dsn, text);
    }

    public static Verdict bounce(String dsn, String text) {
        return new Verdict(Outcome.BOUNCED, dsn, text);
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
     * This result for a recipient of {@code req}, recorded in {@code queueFile} (deliver_completed.c): a
     * sent or bounced recipient is marked done; when that fails, a warning is logged and the recipient is
     * deferred instead, so that it is tried again rather than lost.
     */
    public Verdict completed(Path queueFile, DeliverRequest req, DeliverRequest.Recipient rcpt) {
        if (outcome == Outcome.DEFERRED) return this;
        try {
            QueueFile.markDone(queueFile, rcpt.offset());
            return this;
        } catch (IOException e) {
            Msg.warn(req.queueId() + ": cannot mark recipient " + rcpt.address() + " done: " + Errno.text(e));
            return defer("4.3.0", "cannot update queue file: " + Errno.text(e));
        }
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
