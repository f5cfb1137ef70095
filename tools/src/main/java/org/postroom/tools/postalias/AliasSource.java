package org.postroom.tools.postalias;

import java.util.ArrayList;
import java.util.List;
import org.postroom.global.table.Bytes;
import org.postroom.global.table.DbBuilder;
import org.postroom.global.table.SourceLines;
import org.postroom.global.table.TableOptions;

/**
 * aliases(5) source lines as postalias.c reads them: each logical line is split into RFC 822 tokens
 * (tok822_scan: atoms, "quoted strings", (comments), [domain literals] and the operators
 * {@code | % ! ( ) < > @ , ; : \ " . [ ]}); the tokens before the first ':' are the name, stored in
 * internal (unquoted) form, and the tokens after it the value, stored in external form with ", "
 * between list members, e.g. {@code joe, "|/usr/bin/foo bar", /srv/out/file, :include:/etc/list}.
 */
final class AliasSource {
    private AliasSource() {}

    private static final String OPS = "|%!()<>@,;:\\\".[]";

    /** A token: type is 'a' atom, 'q' quoted string, 'c' comment, 'd' domain literal, or the operator. */
    record Tok(char type, String text) {
        boolean word() {
            return type == 'a' || type == 'q' || type == 'c' || type == 'd';
        }
    }

    /** Adds the entries of {@code data} to {@code db}. */
    static void load(byte[] data, String path, DbBuilder db, TableOptions opt) {
        SourceLines.Reader reader = new SourceLines.Reader(data, path, opt.warn());
        for (SourceLines.Line l = reader.next(); l != null; l = reader.next()) {
            String where = path + ", line " + l.number() + ": ";
            if (opt.utf8() && !Bytes.isUtf8(l.bytes())) {
                opt.warn().accept(where + "non-UTF-8 input \"" + Bytes.printable(l.bytes(), l.bytes().length)
                        + "\" -- ignoring this line");
                continue;
            }
            List<Tok> toks = scan(l.text());
            if (toks.isEmpty()) continue;
            int colon = -1;
            for (int i = 0; i < toks.size(); i++) {
                if (toks.get(i).type() == ':') {
                    colon = i;
                    break;
                }
            }
            boolean commaBefore = false;
            boolean nonLocal = false;
            for (int i = 0; i < Math.max(colon, 0); i++) {
                char t = toks.get(i).type();
                commaBefore |= t == ',';
                nonLocal |= t == '@' || t == '%';
            }
            if (colon <= 0 || colon == toks.size() - 1 || commaBefore) {
                opt.warn().accept(where + "need name:value pair");
                continue;
            }
            if (nonLocal) {
                opt.warn().accept(where + "name must be local");
                continue;
            }
            db.put(render(toks.subList(0, colon), false), render(toks.subList(colon + 1, toks.size()), true));
        }
    }

    static List<Tok> scan(String s) {
        List<Tok> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i++);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
            if (c == '(') {
                StringBuilder b = new StringBuilder("(");
                int level = 1;
                while (i < n) {
                    char d = s.charAt(i++);
                    b.append(d);
                    if (d == '(') {
                        level++;
                    } else if (d == ')') {
                        if (--level == 0) break;
                    } else if (d == '\\') {
                        if (i >= n) break;
                        b.append(s.charAt(i++));
                    }
                }
                out.add(new Tok('c', b.toString()));
            } else if (c == '[' || c == '"') {
                StringBuilder b = new StringBuilder();
                i = collect(s, i, b, c == '[' ? ']' : '"', false);
                if (i < n) i++;
                out.add(new Tok(c == '[' ? 'd' : 'q', b.toString()));
            } else if (c != '\\' && OPS.indexOf(c) >= 0) {
                out.add(new Tok(c, String.valueOf(c)));
            } else {
                StringBuilder b = new StringBuilder();
                i = collect(s, i - 1, b, '\0', true);
                String t = b.toString();
                boolean quote = false;
                for (int k = 0; k < t.length(); k++) {
                    char d = t.charAt(k);
                    if (d == ' ' || d < 0x20 || d == 0x7f || OPS.indexOf(d) >= 0) quote = true;
                }
                out.add(new Tok(quote ? 'q' : 'a', t));
            }
        }
        return out;
    }

    /** tok822 COLLECT: backslash takes the next character; stops at {@code end} or, for atoms, at a space or operator. */
    private static int collect(String s, int i, StringBuilder b, char end, boolean atom) {
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (++i >= n) break;
                c = s.charAt(i);
            } else if (atom ? (c == ' ' || c == '\t' || c == '\r' || c == '\n' || OPS.indexOf(c) >= 0) : c == end) {
                break;
            }
            b.append(c == '\t' || c == '\r' || c == '\n' ? ' ' : c);
            i++;
        }
        return i;
    }

    /** tok822_internalize ({@code external} false) or tok822_externalize. */
    static String render(List<Tok> toks, boolean external) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < toks.size(); i++) {
            Tok t = toks.get(i);
            switch (t.type()) {
                case 'a', 'c' -> b.append(t.text());
                case 'q' -> {
                    if (external) b.append('"').append(quoted(t.text(), "\"\\\r\n")).append('"');
                    else b.append(t.text());
                }
                case 'd' -> b.append('[').append(external ? quoted(t.text(), "\\\r\n") : t.text()).append(']');
                default -> b.append(t.type());
            }
            if (i + 1 < toks.size()) {
                Tok next = toks.get(i + 1);
                if (t.type() == ',' || next.type() == '<' || (t.word() && next.word())) b.append(' ');
            }
        }
        return b.toString();
    }

    private static String quoted(String s, String set) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (set.indexOf(c) >= 0) b.append('\\');
            b.append(c);
        }
        return b.toString();
    }
}
