package org.postroom.global.mail;

/**
 * quote_822_local.c: the external (RFC 822) form of an address. A local part that is not a dot-string is
 * put in double quotes, with '"', '\' and CR escaped by a backslash; the domain is left alone. 8-bit
 * characters are ordinary text (QUOTE_FLAG_8BITCLEAN, the default). A source route ("@a,@b:user@c")
 * is kept in front of the local part.
 */
public final class Quote822Local {
    private Quote822Local() {}

    /** The quoted form of {@code address}. */
    public static String quote(String address) {
        int start = 0;
        if (address.startsWith("@")) {
            int colon = address.indexOf(':');
            if (colon >= 0) start = colon + 1;
        }
        int at = address.lastIndexOf('@');
        int end = at >= start ? at : address.length();
        if (dotString(address, start, end)) return address;
        StringBuilder b = new StringBuilder(address.length() + 4).append(address, 0, start).append('"');
        for (int i = start; i < end; i++) {
            char c = address.charAt(i);
            if (c == '"' || c == '\\' || c == '\r') b.append('\\');
            b.append(c);
        }
        return b.append('"').append(address, end, address.length()).toString();
    }

    /** is_822_dot_string: atoms separated by single dots, no leading or trailing dot. */
    private static boolean dotString(String s, int start, int end) {
        if (start == end || s.charAt(start) == '.' || s.charAt(end - 1) == '.') return false;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c == '.' && i + 1 < end && s.charAt(i + 1) == '.') return false;
            if (c == ' ' || c < 0x20 || c == 0x7f || "()<>@,;:\\\"[]".indexOf(c) >= 0) return false;
        }
        return true;
    }
}
