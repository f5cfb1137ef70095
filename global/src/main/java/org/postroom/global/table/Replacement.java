package org.postroom.global.table;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.MatchResult;

/**
 * The result text of a regexp or pcre rule, with {@code $n}, {@code ${n}}, {@code $(n)} and {@code $$}
 * (Postfix mac_parse.c plus the dict_regexp prescan). A $n whose group did not match, or matched the
 * empty string, expands to nothing.
 *
 * @param parts  literal text (String) and group numbers (Integer), in order
 * @param maxSub the largest $n used (0: the text is constant)
 */
record Replacement(List<Object> parts, int maxSub) {

    /**
     * Parses {@code text}; problems are warned about with Postfix's wording ({@code map} is e.g.
     * "regexp map FILE, line N"; {@code hyphen}: regexp says "out-of-range", pcre "out of range") and give
     * null.
     */
    static Replacement parse(String text, String map, boolean hyphen, Consumer<String> warn) {
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int max = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                lit.append(c);
                i++;
                continue;
            }
            i++;
            if (i < text.length() && text.charAt(i) == '$') {
                lit.append('$');
                i++;
                continue;
            }
            String name;
            if (i < text.length() && (text.charAt(i) == '{' || text.charAt(i) == '(')) {
                int end = close(text, i);
                if (end < 0) {
                    warn.accept("truncated macro reference: \"" + text + "\"");
                    return null;
                }
                name = text.substring(i + 1, end);
                i = end + 1;
            } else {
                int s = i;
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) && text.charAt(i) < 0x80
                        || text.charAt(i) == '_')) i++;
                name = text.substring(s, i);
            }
            if (name.isEmpty()) {
                warn.accept("empty macro name: \"" + text + "\"");
                return null;
            }
            if (!name.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                warn.accept(map + ": non-numeric replacement index \"" + name + "\"");
                return null;
            }
            int n = atoi(name);
            if (n < 1) {
                warn.accept(map + (hyphen ? ": out-of-range" : ": out of range") + " replacement index \"" + name + "\"");
                return null;
            }
            if (!lit.isEmpty()) {
                parts.add(lit.toString());
                lit.setLength(0);
            }
            parts.add(n);
            max = Math.max(max, n);
        }
        if (!lit.isEmpty() || parts.isEmpty()) parts.add(lit.toString());
        return new Replacement(List.copyOf(parts), max);
    }

    private static int atoi(String digits) {
        long v = 0;
        for (int k = 0; k < digits.length() && v < Integer.MAX_VALUE; k++) v = v * 10 + (digits.charAt(k) - '0');
        return (int) Math.min(v, Integer.MAX_VALUE);
    }

    /** Index of the bracket that closes the one at {@code open}, with nesting, or -1. */
    private static int close(String s, int open) {
        char o = s.charAt(open);
        char c = o == '{' ? '}' : ')';
        int level = 0;
        for (int k = open; k < s.length(); k++) {
            if (s.charAt(k) == o) level++;
            else if (s.charAt(k) == c && --level == 0) return k;
        }
        return -1;
    }

    /** The text with groups of {@code m} substituted. */
    String expand(MatchResult m) {
        if (maxSub == 0) return (String) parts.getFirst();
        StringBuilder b = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof String s) {
                b.append(s);
            } else {
                int n = (Integer) p;
                String g = n <= m.groupCount() ? m.group(n) : null;
                if (g != null) b.append(g);
            }
        }
        return b.toString();
    }
}
