package org.postroom.global.table;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Translates a POSIX regular expression, as glibc's regcomp() reads it for regexp_table(5), into a
 * java.util.regex pattern: extended (ERE, the default) or basic (BRE, the {@code x} flag) syntax, bracket
 * expressions with {@code [:class:]}, GNU escapes ({@code \w \s \b \< \>}), back references, intervals,
 * REG_ICASE and REG_NEWLINE. Syntax errors carry glibc's regerror() text.
 *
 * <p>Known difference: POSIX picks the leftmost-<em>longest</em> match and Java the leftmost-first, so
 * with alternations such as {@code (a|ab)} the captured text ($n) can differ; whether a rule matches does
 * not. Matching is on UTF-16 characters, not bytes, so {@code .} matches one non-ASCII character where
 * glibc in the C locale matches one byte.
 */
final class PosixRegex {
    private PosixRegex() {}

    /** A compile error, with glibc's message. */
    static final class Error extends Exception {
        Error(String m) {
            super(m, null, false, false);
        }
    }

    /** The compiled pattern and its number of capturing groups (re_nsub). */
    record Compiled(Pattern pattern, int groups) {}

    private static final Map<String, String> CLASSES = Map.ofEntries(
            Map.entry("alpha", "\\p{Alpha}"), Map.entry("digit", "0-9"), Map.entry("alnum", "\\p{Alnum}"),
            Map.entry("upper", "\\p{Upper}"), Map.entry("lower", "\\p{Lower}"), Map.entry("space", "\\s"),
            Map.entry("blank", " \\t"), Map.entry("punct", "\\p{Punct}"), Map.entry("print", "\\p{Print}"),
            Map.entry("graph", "\\p{Graph}"), Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("xdigit", "0-9A-Fa-f"));

    static Compiled compile(String re, boolean extended, boolean icase, boolean newline) throws Error {
        StringBuilder out = new StringBuilder();
        Deque<Integer> open = new ArrayDeque<>();
        int groups = 0;
        int closed = 0;
        int atom = -1;          // output index where the last quantifiable item starts
        boolean quantified = false;
        boolean bol = true;     // at the start of the RE, a group or an alternative
        int i = 0;
        int n = re.length();
        while (i < n) {
            char c = re.charAt(i++);
            boolean wasBol = bol;
            bol = false;
            if (c == '\\') {
                if (i >= n) throw new Error("Trailing backslash");
                char e = re.charAt(i++);
                if (!extended && e == '(') {
                    open.push(out.length());
                    out.append('(');
                    groups++;
                    atom = -1;
                    bol = true;
                    continue;
                }
                if (!extended && e == ')') {
                    if (open.isEmpty()) throw new Error("Unmatched ) or \\)");
                    atom = open.pop();
                    out.append(')');
                    closed++;
                    quantified = false;
                    continue;
                }
                if (!extended && e == '|') {
                    out.append('|');
                    atom = -1;
                    bol = true;
                    continue;
                }
                if (!extended && (e == '{' || e == '+' || e == '?')) {
                    String q = e == '{' ? interval(re, i, false) : String.valueOf(e);
                    if (e == '{') i = skipInterval(re, i, false);
                    if (atom < 0) {
                        if (e == '{') throw new Error("Invalid preceding regular expression");
                        out.append('\\').append(e);
                        atom = out.length() - 2;
                        quantified = false;
                        continue;
                    }
                    quantify(out, atom, quantified, q);
                    quantified = true;
                    continue;
                }
                if (e >= '1' && e <= '9') {
                    if (e - '0' > closed) throw new Error("Invalid back reference");
                    atom = out.length();
                    out.append("(?:\\").append(e).append(')');
                    quantified = false;
                    continue;
                }
                switch (e) {
                    case 'w', 'W', 's', 'S' -> {
                        atom = out.length();
                        out.append('\\').append(e);
                        quantified = false;
                    }
                    case 'b', 'B' -> {
                        out.append('\\').append(e);
                        atom = -1;
                    }
                    case '<' -> {
                        out.append("\\b(?=\\w)");
                        atom = -1;
                    }
                    case '>' -> {
                        out.append("\\b(?<=\\w)");
                        atom = -1;
                    }
                    case '`' -> {
                        out.append("\\A");
                        atom = -1;
                    }
                    case '\'' -> {
                        out.append("\\z");
                        atom = -1;
                    }
                    default -> {
                        atom = out.length();
                        literal(out, e);
                        quantified = false;
                    }
                }
                continue;
            }
            if (c == '[') {
                atom = out.length();
                i = bracket(re, i, out, newline);
                quantified = false;
                continue;
            }
            if (extended) {
                switch (c) {
                    case '(' -> {
                        open.push(out.length());
                        out.append('(');
                        groups++;
                        atom = -1;
                        bol = true;
                        continue;
                    }
                    case ')' -> {
                        if (open.isEmpty()) {
                            atom = out.length();
                            out.append("\\)");
                        } else {
                            atom = open.pop();
                            out.append(')');
                            closed++;
                        }
                        quantified = false;
                        continue;
                    }
                    case '|' -> {
                        out.append('|');
                        atom = -1;
                        bol = true;
                        continue;
                    }
                    case '*', '+', '?', '{' -> {
                        if (c == '{') {
                            if (i >= n) throw new Error("Unmatched \\{");
                        }
                        if (atom < 0) throw new Error("Invalid preceding regular expression");
                        String q = c == '{' ? interval(re, i, true) : String.valueOf(c);
                        if (c == '{') i = skipInterval(re, i, true);
                        quantify(out, atom, quantified, q);
                        quantified = true;
                        continue;
                    }
                    case '^' -> {
                        out.append('^');
                        atom = -1;
                        bol = true;
                        continue;
                    }
                    case '$' -> {
                        out.append(newline ? "(?=\\n|\\z)" : "\\z");
                        atom = -1;
                        continue;
                    }
                    default -> { }
                }
            } else {
                if (c == '*') {
                    if (atom < 0 || wasBol) {
                        atom = out.length();
                        out.append("\\*");
                        quantified = false;
                    } else {
                        quantify(out, atom, quantified, "*");
                        quantified = true;
                    }
                    continue;
                }
                if (c == '^' && wasBol) {
                    out.append('^');
                    atom = -1;
                    bol = true;
                    continue;
                }
                if (c == '$' && (i == n || re.startsWith("\\)", i) || re.startsWith("\\|", i))) {
                    out.append(newline ? "(?=\\n|\\z)" : "\\z");
                    atom = -1;
                    continue;
                }
            }
            atom = out.length();
            quantified = false;
            if (c == '.') out.append(newline ? "[^\\n]" : ".");
            else literal(out, c);
        }
        if (!open.isEmpty()) throw new Error("Unmatched ( or \\(");
        int flags = (icase ? Pattern.CASE_INSENSITIVE : 0) | (newline ? Pattern.UNIX_LINES : Pattern.DOTALL);
        try {
            return new Compiled(Pattern.compile(out.toString(), flags), groups);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new Error("Invalid regular expression");
        }
    }

    private static void quantify(StringBuilder out, int atom, boolean quantified, String q) {
        if (quantified) {
            out.insert(atom, "(?:");
            out.append(')');
        }
        out.append(q);
    }

    /** The Java form of the interval at {@code i} (just after the brace). */
    private static String interval(String re, int i, boolean ere) throws Error {
        String close = ere ? "}" : "\\}";
        int end = re.indexOf(close, i);
        if (end < 0) throw new Error("Unmatched \\{");
        String body = re.substring(i, end);
        if (!body.matches("[0-9]*(,[0-9]*)?") || body.isEmpty() || body.equals(",")) {
            throw new Error("Invalid content of \\{\\}");
        }
        int comma = body.indexOf(',');
        String lo = comma < 0 ? body : body.substring(0, comma);
        String hi = comma < 0 ? null : body.substring(comma + 1);
        if (lo.isEmpty()) lo = "0";
        if (hi != null && !hi.isEmpty() && count(hi) < count(lo)) throw new Error("Invalid content of \\{\\}");
        if (count(lo) > RE_DUP_MAX || (hi != null && !hi.isEmpty() && count(hi) > RE_DUP_MAX)) {
            throw new Error("Regular expression too big");
        }
        return "{" + lo + (hi == null ? "" : "," + hi) + "}";
    }

    /** glibc's RE_DUP_MAX. */
    private static final int RE_DUP_MAX = 0x7fff;

    /** An interval bound as glibc's fetch_number reads it: at most RE_DUP_MAX + 1, however many digits. */
    private static int count(String digits) {
        return digits.length() > 6 ? RE_DUP_MAX + 1 : Math.min(RE_DUP_MAX + 1, Integer.parseInt(digits));
    }

    private static int skipInterval(String re, int i, boolean ere) {
        return re.indexOf(ere ? "}" : "\\}", i) + (ere ? 1 : 2);
    }

    private static void literal(StringBuilder out, char c) {
        if (c < 0x80 && !Character.isLetterOrDigit(c) && c != ' ' && c != '_') out.append('\\');
        out.append(c);
    }

    /** Parses a bracket expression starting just after '['; returns the index after its ']'. */
    private static int bracket(String re, int i, StringBuilder out, boolean newline) throws Error {
        int n = re.length();
        StringBuilder cls = new StringBuilder("[");
        if (i < n && re.charAt(i) == '^') {
            cls.append('^');
            if (newline) cls.append("\\n");
            i++;
        }
        boolean first = true;
        while (true) {
            if (i >= n) throw new Error("Unmatched [, [^, [:, [., or [=");
            char c = re.charAt(i);
            if (c == ']' && !first) {
                i++;
                break;
            }
            first = false;
            if (c == '[' && i + 1 < n && (re.charAt(i + 1) == ':' || re.charAt(i + 1) == '=' || re.charAt(i + 1) == '.')) {
                char kind = re.charAt(i + 1);
                int end = re.indexOf(kind + "]", i + 2);
                if (end < 0) throw new Error("Unmatched [, [^, [:, [., or [=");
                String name = re.substring(i + 2, end);
                i = end + 2;
                if (kind == ':') {
                    String j = CLASSES.get(name);
                    if (j == null) throw new Error("Invalid character class name");
                    cls.append(j);
                } else {
                    if (name.length() != 1) throw new Error("Invalid collation character");
                    member(cls, name.charAt(0));
                }
                continue;
            }
            i++;
            if (i + 1 < n && re.charAt(i) == '-' && re.charAt(i + 1) != ']') {
                char hi = re.charAt(i + 1);
                if (hi == '[' && i + 2 < n && re.charAt(i + 2) == '.') {
                    int end = re.indexOf(".]", i + 3);
                    if (end < 0 || end != i + 4) throw new Error("Invalid range end");
                    hi = re.charAt(i + 3);
                    i = end + 2;
                } else {
                    i += 2;
                }
                if (hi < c) throw new Error("Invalid range end");
                member(cls, c);
                cls.append('-');
                member(cls, hi);
                continue;
            }
            member(cls, c);
        }
        out.append(cls).append(']');
        return i;
    }

    private static void member(StringBuilder cls, char c) {
        if (c < 0x80 && !Character.isLetterOrDigit(c)) cls.append('\\');
        cls.append(c);
    }
}
