package org.postroom.global.bounce;

import java.net.IDN;
import org.postroom.global.config.ConfigException;

/**
 * $name expansion of one line of template text: mac_parse.c and mac_expand.c with MAC_EXP_FLAG_PRINTABLE,
 * the lookup of bounce_template.c. $$ is a dollar; $name, ${name} and $(name) expand to the value (made
 * printable with '_'), and an undefined name is an error; ${name?text}, ${name:text},
 * ${name?{text1}:{text2}} are conditional, and undefined names there count as empty; ${{a} op {b} ...} is
 * handed to main.cf's expander. The values themselves are not expanded again.
 */
final class TemplateExpander {
    private static final String WHITESPACE = " \t\r\n\u000b\f";
    private static final String[] SUFFIXES = {"seconds", "minutes", "hours", "days", "weeks"};
    private static final long[] DIVISORS = {1, 60, 3600, 86400, 7 * 86400};

    /** Why a line could not be expanded: bad syntax, or an undefined name. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean undefined;

        Failure(boolean undefined, String detail) {
            super(detail);
            this.undefined = undefined;
        }
    }

    private final BounceTemplate template;
    private final TemplateContext ctx;
    private int depth;

    TemplateExpander(BounceTemplate template, TemplateContext ctx) {
        this.template = template;
        this.ctx = ctx;
    }

    /** mac_parse: literal text, $$, and the macro references handed to {@link #macro}. */
    String expand(String pattern) throws Failure {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
            } else if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else {
                i++;
                String expr;
                char open = i < pattern.length() ? pattern.charAt(i) : 0;
                if (open == '{' || open == '(') {
                    char close = open == '{' ? '}' : ')';
                    int level = 1, e = i + 1;
                    for (; level > 0; e++) {
                        if (e >= pattern.length()) throw new Failure(false, "truncated macro reference");
                        char x = pattern.charAt(e);
                        if (x == open) level++;
                        else if (x == close) level--;
                    }
                    expr = pattern.substring(i + 1, e - 1);
                    i = e;
                } else {
                    int e = i;
                    while (e < pattern.length() && nameChar(pattern.charAt(e))) e++;
                    expr = pattern.substring(i, e);
                    i = e;
                }
                if (expr.isEmpty()) throw new Failure(false, "empty macro name");
                macro(expr, out);
            }
        }
        return out.toString();
    }

    /** mac_expand_callback for one ${...} or $name. */
    private void macro(String expr, StringBuilder out) throws Failure {
        if (++depth > 100) throw new Failure(false, "unreasonable macro call nesting");
        try {
            int p = skip(expr, 0);
            if (p < expr.length() && expr.charAt(p) == '{') {
                out.append(printable(ctx.relational().apply("${" + expr + "}")));
                return;
            }
            int start = p;
            while (p < expr.length() && nameChar(expr.charAt(p))) p++;
            String name = expr.substring(start, p);
            p = skip(expr, p);
            if (p < expr.length() && expr.charAt(p) != '?' && expr.charAt(p) != ':' || name.isEmpty()) {
                throw new Failure(false, "attribute name syntax error");
            }
            String value = lookup(name);
            if (p == expr.length()) {
                if (value == null) throw new Failure(true, name);
                out.append(printable(value));
                return;
            }
            boolean set = value != null && !value.isEmpty();
            String rest = expr.substring(p + 1);
            if (expr.charAt(p) == '?') {
                String[] r = operand(rest);
                if (set) out.append(expand(r[0]));
                if (r[1].isEmpty()) return;
                if (r[1].charAt(0) != ':') throw new Failure(false, "\":\" expected");
                rest = r[1].substring(1);
            }
            String[] r = operand(rest);
            if (!set) out.append(expand(r[0]));
            if (!r[1].isEmpty()) throw new Failure(false, "unexpected input");
        } finally {
            depth--;
        }
    }

    /** A result operand: {payload} with what follows it (whitespace skipped), or all the text. */
    private static String[] operand(String s) throws Failure {
        int p = skip(s, 0);
        if (p >= s.length() || s.charAt(p) != '{') return new String[] {s, ""};
        int level = 1, e = p + 1;
        for (; ; e++) {
            if (e >= s.length()) throw new Failure(false, "unbalanced {} in attribute expression");
            char x = s.charAt(e);
            if (x == '{') level++;
            else if (x == '}' && --level == 0) break;
        }
        return new String[] {s.substring(p + 1, e), s.substring(skip(s, e + 1))};
    }

    /** bounce_template_lookup: the time parameters with a unit suffix, $myhostname and $mydomain, then main.cf. */
    private String lookup(String key) {
        String t = time(key, "delay_warning_time", ctx.delayWarningTime().toSeconds());
        if (t == null) t = time(key, "maximal_queue_lifetime", ctx.maximalQueueLifetime().toSeconds());
        if (t != null) return t;
        String v = ctx.lookup().apply(key);
        if (v != null && ctx.smtputf8Enable() && (key.equals("myhostname") || key.equals("mydomain"))) {
            if (!ascii(v)) {
                ctx.warn().accept(template.origin() + ": conversion \"" + key + "\" failed: non-ASCII input value: \"" + v + "\"");
                return v;
            }
            try {
                return IDN.toUnicode(v, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                ctx.warn().accept(template.origin() + ": conversion \"" + key + "\" failed: input value: \"" + v + "\"");
                return v;
            }
        }
        return v;
    }

    private String time(String key, String param, long seconds) {
        if (!key.startsWith(param + "_")) return null;
        String suffix = key.substring(param.length() + 1);
        String tmpl = template.kind().className + " template";
        for (int i = 0; i < SUFFIXES.length; i++) {
            if (!SUFFIXES[i].equals(suffix)) continue;
            long result = seconds / DIVISORS[i];
            if (result > 999 && DIVISORS[i] < 86400) {
                ctx.warn().accept(template.origin() + ": excessive result \"" + result + "\" in " + tmpl
                        + " conversion of parameter \"" + key + "\"");
                ctx.warn().accept("please increase time unit \"" + suffix + "\" of \"" + key + "\" in " + tmpl);
                ctx.warn().accept("for instructions see the bounce(5) manual");
            } else if (result == 0 && seconds != 0 && DIVISORS[i] > 1) {
                ctx.warn().accept(template.origin() + ": zero result in " + tmpl + " conversion of parameter \"" + key + "\"");
                ctx.warn().accept("please reduce time unit \"" + suffix + "\" of \"" + key + "\" in " + tmpl);
                ctx.warn().accept("for instructions see the bounce(5) manual");
            }
            return Long.toString(result);
        }
        throw new ConfigException(template.origin() + ": unrecognized suffix \"" + suffix + "\" in parameter \"" + key + "\"");
    }

    /** printable(value, '_'): control characters, and non-ASCII unless smtputf8_enable, become '_'. */
    private String printable(String v) {
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean ok = c >= 0x80 ? ctx.smtputf8Enable() && !Character.isISOControl(c) : c >= 0x20 && c != 0x7f;
            b.append(ok ? c : '_');
        }
        return b.toString();
    }

    private static int skip(String s, int p) {
        while (p < s.length() && WHITESPACE.indexOf(s.charAt(p)) >= 0) p++;
        return p;
    }

    private static boolean nameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }
}
