package org.postroom.global.table;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Translates a PCRE pattern, as pcre_table(5) compiles it with PCRE2, into java.util.regex. Most PCRE
 * syntax is Java syntax; this rewrites the rest: POSIX classes inside brackets ({@code [[:alpha:]]}),
 * a leading {@code ]} in a class, {@code [} and {@code &&} inside classes, {@code (?#...)} comments,
 * {@code (?P<n>...)} and {@code (?P=n)}, {@code \g{n}}, and the U (ungreedy) flag, which Java lacks, by
 * inverting each quantifier. The common syntax errors are reported with PCRE2's wording and offset.
 *
 * <p>Known differences: {@code \K}, recursion ({@code (?R)}, {@code (?1)}), callouts, backtracking verbs
 * and conditional groups are not available (the rule is skipped with a warning); with the x flag Java
 * also ignores whitespace inside character classes.
 */
final class PcreRegex {
    private PcreRegex() {}

    /** A compile error: PCRE2's offset and message. */
    static final class Error extends Exception {
        final int offset;

        Error(int offset, String m) {
            super(m, null, false, false);
            this.offset = offset;
        }
    }

    record Compiled(Pattern pattern, int groups) {}

    static Compiled compile(String re, boolean caseless, boolean dotall, boolean multiline, boolean extended,
                            boolean dollarEndOnly, boolean ungreedy) throws Error {
        String java = translate(re, dollarEndOnly, ungreedy);
        int flags = Pattern.UNIX_LINES | (caseless ? Pattern.CASE_INSENSITIVE : 0) | (dotall ? Pattern.DOTALL : 0)
                | (multiline ? Pattern.MULTILINE : 0) | (extended ? Pattern.COMMENTS : 0);
        try {
            Pattern p = Pattern.compile(java, flags);
            return new Compiled(p, p.matcher("").groupCount());
        } catch (PatternSyntaxException e) {
            throw new Error(Math.max(0, e.getIndex()), e.getDescription());
        }
    }

    private static String translate(String re, boolean dollarEndOnly, boolean ungreedy) throws Error {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        boolean canRepeat = false;
        int n = re.length();
        int i = 0;
        while (i < n) {
            char c = re.charAt(i);
            if (c == '\\') {
                if (i + 1 >= n) throw new Error(i + 1, "\\ at end of pattern");
                char e = re.charAt(i + 1);
                if (e == 'Q') {
                    int end = re.indexOf("\\E", i + 2);
                    String lit = end < 0 ? re.substring(i + 2) : re.substring(i + 2, end);
                    out.append(Pattern.quote(lit));
                    i = end < 0 ? n : end + 2;
                    canRepeat = !lit.isEmpty();
                    continue;
                }
                if (e == 'K') throw new Error(i + 1, "\\K is not supported here");
                if (e == 'g' && i + 2 < n && re.charAt(i + 2) == '{') {
                    int end = re.indexOf('}', i + 3);
                    if (end < 0) throw new Error(i + 2, "a numbered reference must not be zero");
                    String ref = re.substring(i + 3, end);
                    out.append(ref.chars().allMatch(Character::isDigit) ? "(?:\\" + ref + ")" : "\\k<" + ref + ">");
                    i = end + 1;
                    canRepeat = true;
                    continue;
                }
                out.append(c).append(e);
                i += 2;
                canRepeat = "bBAzZG".indexOf(e) < 0;
                continue;
            }
            if (c == '[') {
                i = cls(re, i, out);
                canRepeat = true;
                continue;
            }
            if (c == '(') {
                if (re.startsWith("(?#", i)) {
                    int end = re.indexOf(')', i);
                    if (end < 0) throw new Error(n, "missing ) at end of (?# comment");
                    i = end + 1;
                    continue;
                }
                if (re.startsWith("(?P<", i)) {
                    out.append("(?<");
                    i += 4;
                    depth++;
                    canRepeat = false;
                    continue;
                }
                if (re.startsWith("(?P=", i)) {
                    int end = re.indexOf(')', i);
                    if (end < 0) throw new Error(n, "missing closing parenthesis");
                    out.append("\\k<").append(re, i + 4, end).append('>');
                    i = end + 1;
                    canRepeat = true;
                    continue;
                }
                if (re.startsWith("(?", i)) {
                    i = groupOpener(re, i, out);
                    if (out.charAt(out.length() - 1) != ')') depth++;
                    canRepeat = false;
                    continue;
                }
                depth++;
                out.append(c);
                i++;
                canRepeat = false;
                continue;
            }
            if (c == ')') {
                if (depth == 0) throw new Error(i, "unmatched closing parenthesis");
                depth--;
                out.append(c);
                i++;
                canRepeat = true;
                continue;
            }
            if (c == '*' || c == '+' || c == '?' || (c == '{' && isQuantifier(re, i))) {
                if (!canRepeat) throw new Error(i, "quantifier does not follow a repeatable item");
                int end = c == '{' ? re.indexOf('}', i) + 1 : i + 1;
                if (c == '{') checkOrder(re, i, end);
                out.append(re, i, end);
                i = end;
                boolean lazy = i < n && re.charAt(i) == '?';
                boolean possessive = i < n && re.charAt(i) == '+';
                if (lazy || possessive) i++;
                if (possessive) out.append('+');
                else if (lazy != ungreedy) out.append('?');
                canRepeat = false;
                continue;
            }
            if (c == '$' && dollarEndOnly) {
                out.append("\\z");
                i++;
                canRepeat = false;
                continue;
            }
            out.append(c);
            i++;
            canRepeat = c != '^' && c != '$' && c != '|';
        }
        if (depth > 0) throw new Error(n, "missing closing parenthesis");
        return out.toString();
    }

    /** Copies "(?..." up to where the group's content starts (or a whole "(?flags)"); returns the next index. */
    private static int groupOpener(String re, int i, StringBuilder out) {
        int n = re.length();
        int j = i + 2;
        if (j + 1 < n && re.charAt(j) == '<' && (re.charAt(j + 1) == '=' || re.charAt(j + 1) == '!')) {
            j += 2;
        } else if (j < n && (re.charAt(j) == '<' || re.charAt(j) == '\'')) {
            int k = re.indexOf(re.charAt(j) == '<' ? '>' : '\'', j + 1);
            if (k > 0) {
                out.append("(?<").append(re, j + 1, k).append('>');
                return k + 1;
            }
            j++;
        } else if (j < n && ":=!>|".indexOf(re.charAt(j)) >= 0) {
            j++;
        } else {
            while (j < n && (Character.isLetter(re.charAt(j)) || re.charAt(j) == '-')) j++;
            if (j < n && (re.charAt(j) == ':' || re.charAt(j) == ')')) j++;
        }
        out.append(re, i, j);
        return j;
    }

    private static boolean isQuantifier(String re, int i) {
        int end = re.indexOf('}', i);
        return end > i + 1 && re.substring(i + 1, end).matches("[0-9]+(,[0-9]*)?");
    }

    /** PCRE2's largest repeat count (MAX_REPEAT_COUNT). */
    private static final int MAX_REPEAT = 65535;

    private static void checkOrder(String re, int i, int end) throws Error {
        String body = re.substring(i + 1, end - 1);
        int comma = body.indexOf(',');
        String lo = comma < 0 ? body : body.substring(0, comma);
        String hi = comma < 0 ? "" : body.substring(comma + 1);
        if (count(lo) > MAX_REPEAT) throw new Error(i + 1 + digitsRead(lo), "number too big in {} quantifier");
        if (count(hi) > MAX_REPEAT) throw new Error(i + 2 + lo.length() + digitsRead(hi), "number too big in {} quantifier");
        if (comma > 0 && !hi.isEmpty() && count(hi) < count(lo)) {
            throw new Error(end - 1, "numbers out of order in {} quantifier");
        }
    }

    /** How many digits PCRE2 reads before the count passes MAX_REPEAT (its error offset is just after them). */
    private static int digitsRead(String digits) {
        int v = 0;
        for (int k = 0; k < digits.length(); k++) {
            v = v * 10 + digits.charAt(k) - '0';
            if (v > MAX_REPEAT) return k + 1;
        }
        return digits.length();
    }

    /** A repeat count's digits as a number, MAX_REPEAT + 1 for anything larger (never overflows); 0 when empty. */
    private static int count(String digits) {
        if (digits.isEmpty()) return 0;
        return digits.length() > 6 ? MAX_REPEAT + 1 : Math.min(MAX_REPEAT + 1, Integer.parseInt(digits));
    }

    /** Copies a character class starting at {@code i}; returns the index after it. */
    private static int cls(String re, int i, StringBuilder out) throws Error {
        int n = re.length();
        int start = i;
        out.append('[');
        i++;
        if (i < n && re.charAt(i) == '^') {
            out.append('^');
            i++;
        }
        boolean first = true;
        int prev = -1;
        while (true) {
            if (i >= n) throw new Error(n, "missing terminating ] for character class");
            char c = re.charAt(i);
            if (c == ']' && !first) {
                out.append(']');
                return i + 1;
            }
            first = false;
            if (c == '[' && re.startsWith("[:", i)) {
                int end = re.indexOf(":]", i + 2);
                if (end > 0) {
                    String name = re.substring(i + 2, end);
                    boolean neg = name.startsWith("^");
                    String p = posix(neg ? name.substring(1) : name);
                    if (p == null) throw new Error(i + 2, "unknown POSIX class name");
                    out.append(neg ? "\\P{" : "\\p{").append(p).append('}');
                    i = end + 2;
                    prev = -1;
                    continue;
                }
            }
            if (c == '\\' && i + 1 < n) {
                out.append(c).append(re.charAt(i + 1));
                prev = re.charAt(i + 1);
                i += 2;
                continue;
            }
            if (c == '-' && prev >= 0 && i + 1 < n && re.charAt(i + 1) != ']' && re.charAt(i + 1) != '\\'
                    && re.charAt(i + 1) < prev) {
                throw new Error(i + 1, "range out of order in character class");
            }
            if (c == '[' || c == '&' || c == ']') out.append('\\');
            out.append(c);
            prev = c == '-' ? -1 : c;
            i++;
        }
    }

    private static String posix(String name) {
        return switch (name) {
            case "alpha" -> "Alpha";
            case "digit" -> "Digit";
            case "alnum" -> "Alnum";
            case "upper" -> "Upper";
            case "lower" -> "Lower";
            case "space" -> "Space";
            case "blank" -> "Blank";
            case "punct" -> "Punct";
            case "print" -> "Print";
            case "graph" -> "Graph";
            case "cntrl" -> "Cntrl";
            case "xdigit" -> "XDigit";
            case "ascii" -> "ASCII";
            case "word" -> "Alnum";
            default -> null;
        };
    }
}
