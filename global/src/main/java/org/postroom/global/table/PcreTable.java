package org.postroom.global.table;

import java.util.regex.MatchResult;
import java.util.regex.Matcher;

/**
 * {@code pcre:file} (pcre_table(5)): Perl-compatible regular expressions, run by java.util.regex after
 * {@link PcreRegex} has rewritten what Java reads differently. Flags toggle PCRE options: {@code i}
 * caseless (on by default), {@code s} dotall (on by default), {@code m} multi-line, {@code x} extended,
 * {@code A} anchored, {@code E} dollar-end-only, {@code U} ungreedy; {@code X} is obsolete and ignored
 * with a warning, as with PCRE2. Compile errors use PCRE2's wording where {@link PcreRegex} knows it and
 * Java's otherwise.
 */
public final class PcreTable extends PatternTable {

    private PcreTable(String name, TableOptions opt) throws TableException {
        super("pcre", name, opt);
    }

    public static PcreTable open(String name, TableOptions opt) throws TableException {
        return new PcreTable(name, opt);
    }

    @Override
    protected boolean secondPattern() {
        return false;
    }

    @Override
    protected int pattern(String s, int p, int line, PatSpec[] out) throws Skip {
        int[] d = delimited(s, p, line, "ignoring this rule");
        int q = d[2] + 1;
        StringBuilder flags = new StringBuilder();
        while (q < s.length() && !SourceLines.isSpace(s.charAt(q))) {
            char c = s.charAt(q);
            if ("imsxAEU".indexOf(c) >= 0) {
                flags.append(c);
            } else if (c == 'X') {
                warn.accept(where(line) + ": ignoring obsolete regexp option \"X\"");
            } else {
                warn.accept(where(line) + ": unknown regexp option \"" + c + "\": skipping this rule");
                throw new Skip();
            }
            q++;
        }
        out[0] = new PatSpec(s.substring(d[1], d[2]), flags.toString(), d[0] == 1);
        return q;
    }

    @Override
    protected Pat compile(PatSpec spec, int line) throws Skip {
        boolean caseless = true;
        boolean dotall = true;
        boolean multi = false;
        boolean ext = false;
        boolean anchored = false;
        boolean endOnly = false;
        boolean ungreedy = false;
        for (char c : spec.flags().toCharArray()) {
            switch (c) {
                case 'i' -> caseless = !caseless;
                case 's' -> dotall = !dotall;
                case 'm' -> multi = !multi;
                case 'x' -> ext = !ext;
                case 'A' -> anchored = !anchored;
                case 'E' -> endOnly = !endOnly;
                default -> ungreedy = !ungreedy;
            }
        }
        try {
            PcreRegex.Compiled c = PcreRegex.compile(spec.text(), caseless, dotall, multi, ext, endOnly, ungreedy);
            boolean anchor = anchored;
            return new Pat(new Regex() {
                @Override
                public MatchResult find(String s) {
                    Matcher m = c.pattern().matcher(bounded(s));
                    return (anchor ? m.lookingAt() : m.find()) ? m.toMatchResult() : null;
                }

                @Override
                public int groups() {
                    return c.groups();
                }
            }, spec.match());
        } catch (PcreRegex.Error e) {
            warn.accept(where(line) + ": error in regex at offset " + e.offset + ": " + e.getMessage());
            throw new Skip();
        }
    }
}
