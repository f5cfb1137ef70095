package org.postroom.bounce;

import java.time.Instant;
import java.util.Objects;
import org.postroom.global.bounce.BounceTemplate.Kind;

/**
 * What notice to write (the arguments of Postfix's bounce_header() and bounce_original()): its kind, whether
 * it is a postmaster copy (the Postmaster-Subject, Auto-Submitted: auto-generated, no template text), the
 * recipient it goes to (To:), how much of the original it returns, and the new message's queue id and time.
 */
public record Notice(Kind kind, boolean postmasterCopy, String recipient, Returned returned, String queueId, Instant now) {

    /** The third part: the whole original (message/rfc822) or its headers (text/rfc822-headers). */
    public enum Returned { FULL, HEADERS }

    public Notice {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(recipient);
        Objects.requireNonNull(returned);
        Objects.requireNonNull(queueId);
        Objects.requireNonNull(now);
    }

    /**
     * The notice to the sender, as bounce_notify_service, bounce_warn_service and bounce_trace_service
     * send it: a failure returns the whole message unless the sender asked for RET=HDRS ({@code dsnRet}
     * {@link Original#RET_HDRS}); delay, success and verify notices return the headers.
     */
    public static Notice toSender(Kind kind, String sender, int dsnRet, String queueId, Instant now) {
        Returned r = kind == Kind.FAILURE && dsnRet != Original.RET_HDRS ? Returned.FULL : Returned.HEADERS;
        return new Notice(kind, false, sender, r, queueId, now);
    }

    /**
     * A postmaster copy (notify_classes): the headers of the original, except for the double bounce (the
     * failure of a message from the null sender, to 2bounce_notice_recipient), which returns it whole
     * ({@code doubleBounce}): it is the message's last chance.
     */
    public static Notice toPostmaster(Kind kind, String postmaster, boolean doubleBounce, String queueId, Instant now) {
        return new Notice(kind, true, postmaster, doubleBounce ? Returned.FULL : Returned.HEADERS, queueId, now);
    }
}
