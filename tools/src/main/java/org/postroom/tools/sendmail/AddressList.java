package org.postroom.tools.sendmail;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 822 address lists as Postfix's {@code tok822_parse()} and {@code tok822_internalize()} see them:
 * comments and display names are dropped, {@code <address>} wins over the phrase before it, group
 * names ({@code name: a, b;}) are dropped, source routes are stripped and quoted strings are unquoted.
 * Used for command-line recipients, {@code -f}, {@code -t} headers and SMTP envelope addresses.
 * Handles outside input: every character is accepted, nothing is ever interpreted as a path.
 */
final class AddressList {
    private AddressList() {}

    private enum Kind { ATOM, QUOTED, SPECIAL }

    private record Token(Kind kind, String text) {
        boolean is(char c) {
            return kind == Kind.SPECIAL && text.charAt(0) == c;
        }
    }

    /** The addresses in {@code text}, in internal (unquoted) form; {@code <>} gives an empty address. */
    static List<String> parse(String text) {
        List<Token> tokens = tokenize(text);
        List<String> out = new ArrayList<>();
        List<Token> element = new ArrayList<>();
        List<Token> angle = null;
        boolean inAngle = false;
        for (Token t : tokens) {
            if (inAngle) {
                if (t.is('>')) inAngle = false;
                else angle.add(t);
                continue;
            }
            if (t.is(',') || t.is(';')) {
                finish(element, angle, out);
                element.clear();
                angle = null;
            } else if (t.is(':')) {
                element.clear(); // a group name
                angle = null;
            } else if (t.is('<')) {
                inAngle = true;
                angle = new ArrayList<>();
            } else {
                element.add(t);
            }
        }
        finish(element, angle, out);
        return out;
    }

    private static void finish(List<Token> element, List<Token> angle, List<String> out) {
        if (angle != null) {
            int route = -1;
            for (int i = 0; i < angle.size(); i++) if (angle.get(i).is(':')) route = i;
            out.add(internalize(angle.subList(route + 1, angle.size())));
        } else if (!element.isEmpty()) {
            out.add(internalize(element));
        }
    }

    private static String internalize(List<Token> tokens) {
        StringBuilder b = new StringBuilder();
        for (Token t : tokens) b.append(t.text());
        return b.toString();
    }

    private static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else if (c == '(') {
                int depth = 0;
                for (; i < n; i++) {
                    char d = s.charAt(i);
                    if (d == '\\') i++;
                    else if (d == '(') depth++;
                    else if (d == ')' && --depth == 0) break;
                }
                i++;
            } else if (c == '"') {
                StringBuilder q = new StringBuilder();
                for (i++; i < n && s.charAt(i) != '"'; i++) {
                    if (s.charAt(i) == '\\' && i + 1 < n) i++;
                    q.append(s.charAt(i));
                }
                i++;
                out.add(new Token(Kind.QUOTED, q.toString()));
            } else if (c == '[') {
                int end = s.indexOf(']', i);
                end = end < 0 ? n : end + 1;
                out.add(new Token(Kind.ATOM, s.substring(i, end)));
                i = end;
            } else if ("<>,;:@.".indexOf(c) >= 0) {
                out.add(new Token(Kind.SPECIAL, String.valueOf(c)));
                i++;
            } else {
                int start = i;
                while (i < n && " \t\r\n()\"[<>,;:@.".indexOf(s.charAt(i)) < 0) i++;
                out.add(new Token(Kind.ATOM, s.substring(start, i)));
            }
        }
        return out;
    }
}
