package org.postroom.global.mail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The SMTP transaction log that smtpd_chat.c and smtp_chat.c keep for a postmaster notice: one line per
 * command or reply line, "In:  " for what the peer sent and "Out: " for what we sent. The owner bounds
 * it (smtpd flushes it after smtpd_history_flush_threshold lines); {@link #print} turns it into notice
 * content that a peer's bytes cannot break.
 */
public final class Transcript {
    public static final String IN = "In:  ";
    public static final String OUT = "Out: ";
    /** line_wrap() settings of smtpd_chat_notify() and smtp_chat_notify(). */
    static final int LENGTH = 78;
    static final int INDENT = 4;

    private final List<String> lines = new ArrayList<>();

    /** A line the peer sent, without its CRLF. */
    public void in(String text) {
        lines.add(IN + text);
    }

    /** A line we sent, without its CRLF. */
    public void out(String text) {
        lines.add(OUT + text);
    }

    public int size() {
        return lines.size();
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    public void clear() {
        lines.clear();
    }

    /** A copy of the lines so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /**
     * The lines as the notice shows them: each made printable ({@link #printable}), wrapped at 78 bytes
     * with 4 spaces before continuation lines, and every piece preceded by one space (print_line(): "always
     * prepend one space to message content that we generate from untrusted data").
     */
    public static List<String> print(List<String> lines, boolean utf8) {
        List<String> out = new ArrayList<>();
        try {
            for (String l : lines) {
                LineWrap.wrap(printable(l, utf8).getBytes(StandardCharsets.UTF_8), LENGTH, INDENT,
                        (b, off, len, indent) -> out.add(" " + " ".repeat(indent) + new String(b, off, len, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the output cannot fail
        }
        return out;
    }

    /**
     * printable(s, '?') (printable.c): printable ASCII stays; with {@code utf8} (smtputf8_enable) so
     * does every other character that was valid UTF-8; anything else (control characters, CR, LF, tab,
     * DEL, a byte that was not UTF-8, every byte of a non-ASCII character without {@code utf8}) becomes
     * '?'.
     */
    public static String printable(String s, boolean utf8) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c >= 0x20 && c < 0x7f) {
                b.append((char) c);
            } else if (c < 0x80 || c == 0xfffd || Character.getType(c) == Character.SURROGATE) {
                b.append('?');
            } else if (utf8) {
                b.appendCodePoint(c);
            } else {
                b.append("?".repeat(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8).length));
            }
        }
        return b.toString();
    }
}
