package org.postroom.util;

/**
 * Makes outside text safe for a log line or a header (Postfix printable.c): every character that is
 * not printable ASCII or a non-control Unicode letter is replaced, so CR and LF never reach a log.
 */
public final class Printable {
    private Printable() {}

    /** Returns {@code s} with control characters (and DEL) replaced by {@code '?'}. */
    public static String sanitize(String s) {
        return sanitize(s, '?');
    }

    public static String sanitize(String s, char replacement) {
        if (s == null) return "";
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0);
            if (!ok) {
                if (b == null) b = new StringBuilder(s.length()).append(s, 0, i);
                b.append(replacement);
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    /** Escapes bytes the way Postfix logs raw input: \r, \n, \t and \ooo for other control bytes. */
    public static String escape(byte[] data, int off, int len) {
        StringBuilder b = new StringBuilder();
        for (int i = off; i < off + len; i++) {
            int c = data[i] & 0xff;
            switch (c) {
                case '\r' -> b.append("\\r");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c >= 0x7f) b.append(String.format("\\%03o", c));
                    else b.append((char) c);
                }
            }
        }
        return b.toString();
    }
}
