package org.postroom.smtpd;

import java.util.List;

/** The result of one protocol event: the replies to send (possibly none) and the phase that follows. */
record Step(List<SmtpReply> replies, Phase next) {
    Step {
        replies = List.copyOf(replies);
    }

    static Step of(SmtpReply reply, Phase next) {
        return new Step(List.of(reply), next);
    }

    boolean closes() {
        return next instanceof Phase.Closed || replies.stream().anyMatch(SmtpReply::closeAfter);
    }
}
