package org.postroom.virtual;

import org.postroom.global.proto.deliver.DeliveryStatus.Outcome;

/** The result of one delivery attempt: the status class, the enhanced status code and the reason text. */
record Verdict(Outcome outcome, String dsn, String text) {

    static Verdict sent(String text) {
        return new Verdict(Outcome.SENT, "2.0.0", text);
    }

    static Verdict defer(String dsn, String text) {
        return new Verdict(Outcome.DEFERRED, dsn, text);
    }

    static Verdict bounce(String dsn, String text) {
        return new Verdict(Outcome.BOUNCED, dsn, text);
    }

    /** A 4.x.x code defers, anything else bounces (bounce_append versus defer_append). */
    static Verdict failure(String dsn, String text) {
        return dsn.startsWith("4") ? defer(dsn, text) : bounce(dsn, text);
    }

    /** The status= word of the log line. */
    String statusWord() {
        return switch (outcome) {
            case SENT -> "sent";
            case DEFERRED -> "deferred";
            case BOUNCED -> "bounced";
        };
    }

    /** Of two results for one recipient, the one qmgr must act on: deferred beats bounced beats sent. */
    Verdict worse(Verdict other) {
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
