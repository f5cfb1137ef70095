package org.postroom.smtpd;

import org.postroom.global.mail.Transcript;

/**
 * The session's side of smtpd_chat.c and chat_reset(): the error mask (the classes of the errors so far,
 * as smtpd.c sets them at each reply), the transcript of the session, and when a notice goes out. Lines
 * are kept only when notify_classes is not empty (smtp_chat_append()). The transcript is flushed when it
 * has more than smtpd_history_flush_threshold lines, before each command is recorded (Postfix 3.12's
 * bound; 3.7 only flushed at EHLO, RSET and the end of DATA) and at HELO, EHLO and RSET; at the end of
 * the session it always is. A flush sends a notice when the error mask meets notify_classes, then both
 * start again. A successful message clears the error mask (errors before it are forgiven).
 * <p>
 * Unlike Postfix, which records every line as it came, the client's SASL data is not kept: an AUTH
 * command's initial response and the responses to our 334 challenges are shown as {@value #HIDDEN}
 * (the abort "*" is kept), so that no password reaches the postmaster's mailbox.
 */
final class ChatLog {
    static final String HIDDEN = "(hidden)";

    private final int notifyMask;
    private final int threshold;
    private final ChatNotifier notifier;
    private final Transcript transcript = new Transcript();
    private int errorMask;

    /** {@code notifier} null: no notices (nothing is recorded). */
    ChatLog(int notifyMask, int threshold, ChatNotifier notifier) {
        this.notifyMask = notifier == null ? 0 : notifyMask;
        this.threshold = threshold;
        this.notifier = notifier;
    }

    /** An error of these classes (MailError bits; 0 for a reply that Postfix gives no class). */
    void error(int classes) {
        errorMask |= classes;
    }

    /** A message was queued: smtpd.c forgets the errors so far. */
    void forgive() {
        errorMask = 0;
    }

    /**
     * A line from the client; {@code saslResponse} when it answers our 334 challenge. Before a command
     * (not within an AUTH exchange) the transcript is flushed when it is over the threshold.
     */
    void heard(String line, boolean saslResponse, String namaddr) {
        if (notifyMask == 0) return;
        if (!saslResponse) flush(threshold, namaddr, null);
        transcript.in(saslResponse ? (line.equals("*") ? line : HIDDEN) : withoutInitialResponse(line));
    }

    /** A line we sent. */
    void said(String line) {
        if (notifyMask != 0) transcript.out(line);
    }

    /**
     * chat_reset(state, threshold): with more than {@code threshold} lines, a notice when the errors
     * call for one, then the transcript and the error mask start again.
     */
    void flush(int threshold, String namaddr, String reason) {
        if (notifyMask == 0 || transcript.size() <= threshold) return;
        if ((errorMask & notifyMask) != 0) notifier.notify(errorMask, namaddr, transcript.lines(), reason);
        errorMask = 0;
        transcript.clear();
    }

    /** HELO, EHLO and RSET (chat_reset(state, var_smtpd_hist_thrsh)). */
    void reset(String namaddr) {
        flush(threshold, namaddr, null);
    }

    /** The end of the session (chat_reset(state, 0)). */
    void end(String namaddr, String reason) {
        flush(0, namaddr, reason);
    }

    /** "AUTH PLAIN AGEAYg==" is kept as "AUTH PLAIN (hidden)". */
    static String withoutInitialResponse(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && line.charAt(i) == ' ') i++;
        if (!line.regionMatches(true, i, "AUTH", 0, 4) || i + 4 >= n || !Character.isWhitespace(line.charAt(i + 4))) return line;
        int mech = i + 4;
        while (mech < n && Character.isWhitespace(line.charAt(mech))) mech++;
        int end = mech;
        while (end < n && !Character.isWhitespace(line.charAt(end))) end++;
        int rest = end;
        while (rest < n && Character.isWhitespace(line.charAt(rest))) rest++;
        return rest < n ? line.substring(0, end) + " " + HIDDEN : line;
    }
}
