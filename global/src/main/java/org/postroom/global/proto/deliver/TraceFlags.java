package org.postroom.global.proto.deliver;

/**
 * The trace flags of a message (deliver_request.h DEL_REQ_FLAG_*): they travel from sendmail(1) in the
 * queue file's {@code trace_flags} attribute record, through cleanup(8) to qmgr(8), which puts them in
 * every delivery request ({@link DeliverRequest#flags()}) and in its trace flush request to bounce(8).
 * <ul>
 *   <li>{@link #USR_VRFY} ({@code sendmail -bv}): nothing is delivered; each agent reports what it would do
 *       ("deliverable" or "undeliverable") to the trace log, and the sender is mailed the report.</li>
 *   <li>{@link #RECORD} ({@code sendmail -v}): the mail is delivered and every result also goes to the
 *       trace log, for a report of what happened.</li>
 *   <li>{@link #MTA_VRFY}: an address probe of the verify(8) service (which Postroom does not have): the
 *       agents treat it as {@link #USR_VRFY}; a maildrop file cannot ask for it.</li>
 * </ul>
 */
public final class TraceFlags {
    public static final int MTA_VRFY = 1 << 8;
    public static final int USR_VRFY = 1 << 9;
    public static final int RECORD = 1 << 10;
    public static final int REC_DLY_SENT = 1 << 13;
    /** DEL_REQ_TRACE_FLAGS_MASK: the bits that use the trace service. */
    public static final int MASK = MTA_VRFY | USR_VRFY | RECORD | REC_DLY_SENT;
    /** DEL_REQ_TRACE_ONLY_MASK: the bits of mail that is not delivered. */
    public static final int ONLY_MASK = MTA_VRFY | USR_VRFY;

    private TraceFlags() {}

    /** DEL_REQ_TRACE_FLAGS(): the trace bits of {@code flags}. */
    public static int of(int flags) {
        return flags & MASK;
    }

    /** DEL_REQ_TRACE_ONLY(): an address probe, which delivers nothing. */
    public static boolean only(int flags) {
        return (flags & ONLY_MASK) != 0;
    }

    /** Whether every result is recorded for the sender's report (sendmail -v). */
    public static boolean record(int flags) {
        return (flags & RECORD) != 0;
    }

    /**
     * The value a user may submit (postdrop.c: "allow only sendmail '-v' and '-bv' tracing"): exactly
     * {@link #USR_VRFY} or {@link #RECORD}, as decimal digits; anything else is -1.
     */
    public static int fromUser(String value) {
        if (value == null || value.isEmpty() || value.length() > 9 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) return -1;
        int v = Integer.parseInt(value);
        return v == USR_VRFY || v == RECORD ? v : -1;
    }
}
