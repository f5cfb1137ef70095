package org.postroom.global.table;

import java.util.Locale;

/**
 * Lower-case folding of lookup keys (Postfix casefold.c / lowercase()). With UTF-8 on, Postfix uses ICU
 * full case folding; Java has no case-folding API, so this approximates it with lower(upper(lower(s))),
 * which gives ICU's result for ASCII, Latin, Greek and Cyrillic including 'ß' -> "ss" and 'ẞ' -> "ss".
 * Dotless 'ı' is kept, as ICU keeps it. Without UTF-8 only ASCII letters are folded, as C's tolower()
 * in the C locale does.
 */
public final class KeyFold {
    private KeyFold() {}

    public static String fold(String s, boolean utf8) {
        boolean ascii = true;
        boolean upper = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) ascii = false;
            else if (c >= 'A' && c <= 'Z') upper = true;
        }
        if (ascii || !utf8) {
            if (!upper) return s;
            StringBuilder b = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
            }
            return b.toString();
        }
        if (s.indexOf('\u0131') >= 0) {
            StringBuilder b = new StringBuilder(s.length());
            int start = 0;
            for (int i = s.indexOf('\u0131'); i >= 0; i = s.indexOf('\u0131', start)) {
                b.append(fold(s.substring(start, i), true)).append('\u0131');
                start = i + 1;
            }
            return b.append(fold(s.substring(start), true)).toString();
        }
        return s.toLowerCase(Locale.ROOT).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }
}
