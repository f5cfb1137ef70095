package org.postroom.cleanup;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the addresses in an RFC 822 address list (a header value or a table result), the way tok822
 * sees them: elements are separated by commas outside quotes, comments and angle brackets; an element
 * with {@code <...>} has its address inside the brackets, otherwise the element minus comments is the
 * address; "group:" prefixes and ";" are skipped. Elements that are only a phrase (white space outside
 * quotes and no brackets), empty addresses and source routes are left out.
 */
final class AddressTokens {
    private AddressTokens() {}

    /** One address and where it is in the text ({@code end} exclusive). */
    record Span(int start, int end, String address) {}

    static List<Span> find(String text) {
        List<Span> out = new ArrayList<>();
        int elementStart = 0;
        int angleStart = -1;
        Span angle = null;
        boolean quoted = false;
        int comment = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ',';
            if (quoted) {
                if (c == '\\') i++;
                else if (c == '"') quoted = false;
                continue;
            }
            if (comment > 0) {
                if (c == '\\') i++;
                else if (c == '(') comment++;
                else if (c == ')') comment--;
                continue;
            }
            switch (c) {
                case '\\' -> i++; // a quoted pair outside quotes: the next character is not special
                case '"' -> quoted = true;
                case '(' -> comment++;
                case '<' -> angleStart = i + 1;
                case '>' -> {
                    if (angleStart >= 0) angle = new Span(angleStart, i, text.substring(angleStart, i).strip());
                    angleStart = -1;
                }
                case ':' -> {
                    if (angleStart < 0 && angle == null) elementStart = i + 1; // group name
                }
                case ',', ';' -> {
                    if (angleStart >= 0) break; // inside <...>
                    Span s = angle != null ? angle : bare(text, elementStart, i);
                    if (s != null && !s.address().isEmpty() && !s.address().startsWith("@")) out.add(s);
                    angle = null;
                    elementStart = i + 1;
                }
                default -> { }
            }
        }
        return out;
    }

    /**
     * An element without angle brackets: the text minus comments, if it is one word. Backslash pairs are
     * taken as in {@link #find}, so that {@code "a\" b"@x} is one word, as tok822 reads it, and both see
     * the same quotes.
     */
    private static Span bare(String text, int from, int to) {
        StringBuilder b = new StringBuilder();
        int start = -1;
        int end = -1;
        boolean quoted = false;
        int comment = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (comment > 0) {
                if (c == '\\') i++;
                else if (c == '(') comment++;
                else if (c == ')') comment--;
                continue;
            }
            if (!quoted && c == '(') {
                comment++;
                continue;
            }
            if (c == '\\' && i + 1 < to) { // a quoted pair: both characters are part of the word
                if (end >= 0) return null;
                if (start < 0) start = i;
                b.append(c).append(text.charAt(++i));
                continue;
            }
            if (c == '"') quoted = !quoted;
            if (!quoted && Character.isWhitespace(c)) {
                if (start >= 0 && end < 0) end = i;
                continue;
            }
            if (end >= 0) return null; // a second word: a phrase, not an address
            if (start < 0) start = i;
            b.append(c);
        }
        if (start < 0) return null;
        return new Span(start, end < 0 ? lastNonSpace(text, to) : end, b.toString());
    }

    private static int lastNonSpace(String text, int to) {
        int e = to;
        while (e > 0 && Character.isWhitespace(text.charAt(e - 1))) e--;
        return e;
    }

    private static final String SPECIALS = "()<>@,;:\\\".[]";

    /**
     * Where {@code text} reaches {@code limit} tokens in tok822's sense (each special character, atom,
     * quoted string and comment is one token): the length of the prefix that tok822_parse_limit()
     * would parse, or the whole length when the text has fewer tokens.
     */
    static int tokenCut(String text, int limit) {
        int tokens = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (tokens >= limit) return i;
            tokens++;
            if (c == '"' || c == '(') {
                int depth = 0;
                char close = c == '"' ? '"' : ')';
                for (i++; i < n; i++) {
                    char d = text.charAt(i);
                    if (d == '\\') i++;
                    else if (c == '(' && d == '(') depth++;
                    else if (d == close && depth-- == 0) break;
                }
                i++;
            } else if (SPECIALS.indexOf(c) >= 0) {
                i++;
            } else {
                while (i < n && !Character.isWhitespace(text.charAt(i)) && SPECIALS.indexOf(text.charAt(i)) < 0) i++;
            }
        }
        return n;
    }

    /** The addresses of a list, in order. */
    static List<String> addresses(String text) {
        return find(text).stream().map(Span::address).toList();
    }
}
