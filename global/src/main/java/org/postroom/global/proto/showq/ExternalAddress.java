package org.postroom.global.proto.showq;

import org.postroom.util.Printable;

/**
 * The external form of an envelope address as the queue listing prints it (quote_822_local.c): a local
 * part that is not a dot-atom is quoted, and non-printable characters become '?'.
 */
public final class ExternalAddress {
    private ExternalAddress() {}

    private static final String SPECIALS = "()<>@,;:\\\".[] ";

    public static String of(String address) {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? "" : address.substring(at);
        String shown = needsQuotes(local) ? quote(local) : local;
        return Printable.sanitize(shown + domain);
    }

    static boolean needsQuotes(String local) {
        if (local.isEmpty()) return false;
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) return true;
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c == '.') continue;
            if (c <= ' ' || c == 0x7f || SPECIALS.indexOf(c) >= 0) return true;
        }
        return false;
    }

    private static String quote(String local) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c == '"' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.append('"').toString();
    }
}
