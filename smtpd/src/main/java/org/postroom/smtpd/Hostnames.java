package org.postroom.smtpd;

import org.postroom.util.Printable;

/** Host name and address literal syntax (valid_hostname.c), and the HELO argument as smtpd keeps it. */
final class Hostnames {
    private Hostnames() {}

    /** Labels of letters, digits, '-' and '_', 1-63 characters, not starting or ending with '-'; not all-numeric. */
    static boolean valid(String name) {
        if (name.isEmpty() || name.length() > 255) return false;
        boolean allNumeric = true;
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) return false;
            if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') return false;
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
                if (!ok) return false;
                if (!(c >= '0' && c <= '9')) allNumeric = false;
            }
        }
        return !allNumeric;
    }

    /** The inside of an address literal: a dotted quad or "IPv6:" and an IPv6 address. */
    static boolean validLiteral(String literal) {
        if (literal.regionMatches(true, 0, "IPv6:", 0, 5)) {
            String a = literal.substring(5);
            if (a.isEmpty() || !a.matches("[0-9a-fA-F:.]+")) return false;
            try {
                java.net.InetAddress.ofLiteral(a);
                return a.indexOf(':') >= 0;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        String[] parts = literal.split("\\.", -1);
        if (parts.length != 4) return false;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) return false;
        }
        return true;
    }

    /** The HELO argument as stored and logged: printable, and none of the characters that break headers. */
    static String neuter(String helo) {
        StringBuilder b = new StringBuilder(Printable.sanitize(helo));
        for (int i = 0; i < b.length(); i++) if (" <>()\\\";@".indexOf(b.charAt(i)) >= 0) b.setCharAt(i, '?');
        return b.toString();
    }
}
