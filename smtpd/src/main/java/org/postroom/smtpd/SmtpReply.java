package org.postroom.smtpd;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMTP reply: a three-digit code, an optional enhanced status code (RFC 3463; empty when the reply
 * has none, as for HELO/EHLO), the text (lines separated by '\n' for a multi-line reply) and whether the
 * server hangs up after sending it.
 *
 * <p>Reply text often quotes the client (an address, an ESMTP parameter), so the reply makes itself safe
 * for the wire: other control characters in the text (CR, NUL, ...) become '?', as Postfix's printable()
 * does, and {@link #lines} cuts each line to the 512 octets with CRLF that RFC 5321 4.5.3.1.5 allows.
 */
record SmtpReply(int code, String enhanced, String text, boolean closeAfter) {
    private static final Pattern FORM = Pattern.compile("([2-5]\\d\\d)(?: ([245]\\.\\d{1,3}\\.\\d{1,3}))?(?: (.*))?", Pattern.DOTALL);
    /** The longest reply line without its CRLF (RFC 5321 4.5.3.1.5). */
    static final int MAX_LINE = 510;

    SmtpReply {
        if (code < 200 || code > 599) throw new IllegalArgumentException("bad SMTP reply code: " + code);
        text = printable(text);
    }

    /** The text with control characters other than the '\n' line separators replaced by '?'. */
    private static String printable(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = c == '\n' || (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0));
            if (!ok && b == null) b = new StringBuilder(text.length()).append(text, 0, i);
            if (b != null) b.append(ok ? c : '?');
        }
        return b == null ? text : b.toString();
    }

    /** {@code line} cut to at most MAX_LINE octets of UTF-8, at a character boundary. */
    private static String clip(String line) {
        if (line.length() * 3 <= MAX_LINE) return line;
        int octets = 0;
        for (int i = 0; i < line.length(); ) {
            int cp = line.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; // a lone surrogate (sent as '?') counts 3
            if (octets + n > MAX_LINE) return line.substring(0, i);
            octets += n;
            i += Character.charCount(cp);
        }
        return line;
    }

    /** Parses "250 2.1.0 Ok" or "501 Syntax: HELO hostname" (the enhanced code is optional). */
    static SmtpReply of(String reply) {
        Matcher m = FORM.matcher(reply);
        if (!m.matches()) throw new IllegalArgumentException("bad SMTP reply: " + reply);
        String enhanced = m.group(2) == null ? "" : m.group(2);
        String text = m.group(3) == null ? "" : m.group(3);
        return new SmtpReply(Integer.parseInt(m.group(1)), enhanced, text, false);
    }

    /** The same reply, followed by a disconnect. */
    SmtpReply closing() {
        return new SmtpReply(code, enhanced, text, true);
    }

    boolean isError() {
        return code >= 400;
    }

    /** soft_bounce: 5xx becomes 4xx and 5.x.y becomes 4.x.y. */
    SmtpReply softened() {
        if (code < 500) return this;
        String e = enhanced.startsWith("5") ? "4" + enhanced.substring(1) : enhanced;
        return new SmtpReply(code - 100, e, text, closeAfter);
    }

    /** The reply as sent, one string per line without CRLF: "250-first", ..., "250 last". */
    List<String> lines() {
        String[] parts = text.split("\n", -1);
        List<String> out = new ArrayList<>(parts.length);
        String prefix = enhanced.isEmpty() ? "" : enhanced + " ";
        for (int i = 0; i < parts.length; i++) {
            String rest = prefix + parts[i];
            boolean last = i == parts.length - 1;
            // RFC 4954: "334" SP [base64], so an empty challenge is "334 " (as Postfix sends it)
            out.add(clip(code + (last ? (rest.isEmpty() && code != 334 ? "" : " ") : "-") + rest));
        }
        return out;
    }

    /** The one-line form used in log lines ("554 5.7.1 <x>: Relay access denied"). */
    @Override
    public String toString() {
        return code + (enhanced.isEmpty() ? "" : " " + enhanced) + (text.isEmpty() ? "" : " " + text.replace('\n', ' '));
    }
}
