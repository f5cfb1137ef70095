package org.postroom.global.config;

import java.util.function.Function;

/**
 * Postfix parameter expansion (mac_expand.c): $name, ${name}, $(name), ${name?value}, ${name:value},
 * ${name?{v1}:{v2}}, ${{a} op {b} ? {x} : {y}} and $$. Expansion is recursive: the value of a name is
 * itself expanded. Undefined names expand to the empty string.
 */
public final class Expander {
    private static final int MAX_DEPTH = 100;
    private final Function<String, String> lookup;

    /** {@code lookup} returns the raw (unexpanded) value of a name, or null when undefined. */
    public Expander(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    public String expand(String value) {
        return expand(value, 0);
    }

    private String expand(String s, int depth) {
        if (depth > MAX_DEPTH) throw new ConfigException("unreasonable macro call nesting: \"" + s + "\"");
        if (s.indexOf('$') < 0) return s;
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '$' || i + 1 >= s.length()) {
                out.append(c);
                i++;
                continue;
            }
            char n = s.charAt(i + 1);
            if (n == '$') {
                out.append('$');
                i += 2;
            } else if (n == '{' || n == '(') {
                char close = n == '{' ? '}' : ')';
                int end = matching(s, i + 1, n, close);
                if (end < 0) throw new ConfigException("missing '" + close + "' in \"" + s + "\"");
                out.append(braced(s.substring(i + 2, end), depth));
                i = end + 1;
            } else if (isNameChar(n)) {
                int j = i + 1;
                while (j < s.length() && isNameChar(s.charAt(j))) j++;
                out.append(valueOf(s.substring(i + 1, j), depth));
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private String braced(String inner, int depth) {
        String t = inner.strip();
        if (t.startsWith("{")) return comparison(t, depth);
        int j = 0;
        while (j < t.length() && isNameChar(t.charAt(j))) j++;
        String name = t.substring(0, j);
        if (name.isEmpty()) throw new ConfigException("bad macro name in \"${" + inner + "}\"");
        if (j == t.length()) return valueOf(name, depth);
        char op = t.charAt(j);
        String rest = t.substring(j + 1);
        boolean nonEmpty = !valueOf(name, depth).isEmpty();
        if (op == '?') {
            String[] alt = splitAlternatives(rest);
            if (alt != null) return expand(nonEmpty ? alt[0] : alt[1], depth + 1);
            return nonEmpty ? expand(unbrace(rest), depth + 1) : "";
        }
        if (op == ':') return nonEmpty ? "" : expand(unbrace(rest), depth + 1);
        throw new ConfigException("bad macro syntax in \"${" + inner + "}\"");
    }

    /** ${{a} op {b} ? {x} : {y}} */
    private String comparison(String t, int depth) {
        int e1 = matching(t, 0, '{', '}');
        String a = expand(t.substring(1, e1).strip(), depth + 1);
        String rest = t.substring(e1 + 1).strip();
        int b0 = rest.indexOf('{');
        if (b0 < 0) throw new ConfigException("bad comparison \"" + t + "\"");
        String op = rest.substring(0, b0).strip();
        int e2 = matching(rest, b0, '{', '}');
        String b = expand(rest.substring(b0 + 1, e2).strip(), depth + 1);
        String tail = rest.substring(e2 + 1).strip();
        if (!tail.startsWith("?")) throw new ConfigException("bad comparison \"" + t + "\"");
        String[] alt = splitAlternatives(tail.substring(1).strip());
        if (alt == null) alt = new String[] {unbrace(tail.substring(1)), ""};
        boolean r = compare(a, op, b);
        return expand(r ? alt[0] : alt[1], depth + 1);
    }

    private static boolean compare(String a, String op, String b) {
        int cmp;
        String o = op;
        if (o.endsWith("level")) {
            o = o.substring(0, o.length() - "level".length()).strip();
            cmp = compareLevels(a, b);
        } else if (!a.isEmpty() && !b.isEmpty() && a.chars().allMatch(Character::isDigit) && b.chars().allMatch(Character::isDigit)) {
            cmp = new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b));
        } else {
            cmp = a.compareTo(b);
        }
        return switch (o) {
            case "==" -> cmp == 0;
            case "!=" -> cmp != 0;
            case "<" -> cmp < 0;
            case "<=" -> cmp <= 0;
            case ">" -> cmp > 0;
            case ">=" -> cmp >= 0;
            default -> throw new ConfigException("bad comparison operator \"" + op + "\"");
        };
    }

    /** Compatibility levels compare field by field: "3.6" < "3.11". */
    static int compareLevels(String a, String b) {
        String[] x = a.split("\\."), y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length && !x[i].isEmpty() ? Long.parseLong(x[i]) : 0;
            long q = i < y.length && !y[i].isEmpty() ? Long.parseLong(y[i]) : 0;
            if (p != q) return Long.compare(p, q);
        }
        return 0;
    }

    /** "{v1}:{v2}" or "{v1} : {v2}" → [v1, v2]; null when not of that form. */
    private static String[] splitAlternatives(String rest) {
        String r = rest.strip();
        if (!r.startsWith("{")) return null;
        int e = matching(r, 0, '{', '}');
        if (e < 0) return null;
        String tail = r.substring(e + 1).strip();
        if (!tail.startsWith(":")) return null;
        String second = tail.substring(1).strip();
        return new String[] {r.substring(1, e).strip(), unbrace(second)};
    }

    private static String unbrace(String v) {
        String t = v.strip();
        if (t.startsWith("{") && t.endsWith("}") && matching(t, 0, '{', '}') == t.length() - 1) {
            return t.substring(1, t.length() - 1).strip();
        }
        return v;
    }

    private String valueOf(String name, int depth) {
        String raw = lookup.apply(name);
        return raw == null ? "" : expand(raw, depth + 1);
    }

    private static int matching(String s, int open, char o, char c) {
        int level = 0;
        for (int i = open; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == o) level++;
            else if (ch == c && --level == 0) return i;
        }
        return -1;
    }

    static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
