package org.postroom.smtpd;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMTP reply: a three-digit code, an optional enhanced status code (RFC 3463; empty when the reply
 * has none, as for HELO/EHLO), the text (lines separated by '\n' for a multi-line reply) and whether the
 * server hangs up after sending it.
 */
record SmtpReply(int code, String enhanced, String text, boolean closeAfter) {
    private static final Pattern FORM = Pattern.compile("([2-5]\\d\\d)(?: ([245]\\.\\d{1,3}\\.\\d{1,3}))?(?: (.*))?", Pattern.DOTALL);

    SmtpReply {
        if (code < 200 || code > 599) throw new IllegalArgumentException("bad SMTP reply code: " + code);
        if (text.indexOf('\r') >= 0) throw new IllegalArgumentException("CR in SMTP reply text");
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
            out.add(code + (last ? (rest.isEmpty() ? "" : " ") : "-") + rest);
        }
        return out;
    }

    /** The one-line form used in log lines ("554 5.7.1 <x>: Relay access denied"). */
    @Override
    public String toString() {
        return code + (enhanced.isEmpty() ? "" : " " + enhanced) + (text.isEmpty() ? "" : " " + text.replace('\n', ' '));
    }
}
