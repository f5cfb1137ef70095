package org.postroom.global.table;

import java.util.regex.MatchResult;
import java.util.regex.Matcher;

/**
 * {@code regexp:file} (regexp_table(5)): POSIX regular expressions. Flags: {@code i} toggles
 * case-insensitive matching (on by default), {@code x} toggles extended syntax (on by default; off gives
 * basic regular expressions), {@code m} toggles REG_NEWLINE. A rule may carry a second, non-capturing
 * pattern: {@code /p1/!/p2/ result} matches when p1 matches and p2 does not. Patterns are translated by
 * {@link PosixRegex}, which lists how they can differ from glibc.
 */
public final class RegexpTable extends PatternTable {

    private RegexpTable(String name, TableOptions opt) throws TableException {
        super("regexp", name, opt);
    }

    public static RegexpTable open(String name, TableOptions opt) throws TableException {
        return new RegexpTable(name, opt);
    }

    @Override
    protected boolean secondPattern() {
        return true;
    }

    @Override
    protected int pattern(String s, int p, int line, PatSpec[] out) throws Skip {
        int[] d = delimited(s, p, line, "skipping this rule");
        int q = d[2] + 1;
        int f = q;
        while (q < s.length() && !SourceLines.isSpace(s.charAt(q)) && s.charAt(q) != '!') {
            char c = s.charAt(q);
            if (c != 'i' && c != 'm' && c != 'x') {
                warn.accept(where(line) + ": unknown regexp option \"" + c + "\": skipping this rule");
                throw new Skip();
            }
            q++;
        }
        out[0] = new PatSpec(s.substring(d[1], d[2]), s.substring(f, q), d[0] == 1);
        return q;
    }

    @Override
    protected Pat compile(PatSpec spec, int line) throws Skip {
        boolean icase = true;
        boolean newline = false;
        boolean extended = true;
        for (char c : spec.flags().toCharArray()) {
            switch (c) {
                case 'i' -> icase = !icase;
                case 'm' -> newline = !newline;
                default -> extended = !extended;
            }
        }
        try {
            PosixRegex.Compiled c = PosixRegex.compile(spec.text(), extended, icase, newline);
            return new Pat(new Regex() {
                @Override
                public MatchResult find(String s) {
                    Matcher m = c.pattern().matcher(bounded(s));
                    return m.find() ? m.toMatchResult() : null;
                }

                @Override
                public int groups() {
                    return c.groups();
                }
            }, spec.match());
        } catch (PosixRegex.Error e) {
            warn.accept(where(line) + ": " + e.getMessage());
            throw new Skip();
        }
    }
}
