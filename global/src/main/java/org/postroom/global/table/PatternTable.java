package org.postroom.global.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.MatchResult;

/**
 * What regexp_table(5) and pcre_table(5) share (dict_regexp.c, dict_pcre.c): {@code /pattern/flags result}
 * rules, tried in order, the first match wins; {@code !/pattern/} negation; {@code if /pattern/} ...
 * {@code endif} blocks that nest; {@code $n} substitution. The key is matched whole, without folding.
 * Subclasses parse flags and compile patterns.
 */
abstract sealed class PatternTable implements Table permits RegexpTable, PcreTable {

    /** A compiled pattern; {@link #find} gives the match or null. */
    interface Regex {
        MatchResult find(String s);

        int groups();
    }

    /**
     * How many characters one match may read (PCRE2's default match_limit is 10,000,000 steps): java.util.regex
     * backtracks, and a pattern such as {@code ^(.*a){12}$} would otherwise hold a lookup for hours.
     */
    static final long MATCH_LIMIT = 10_000_000;

    /** A match read more than {@link #MATCH_LIMIT} characters. */
    static final class MatchLimitExceeded extends RuntimeException {
        MatchLimitExceeded() {
            super(null, null, false, false);
        }
    }

    /** The key as the matcher reads it: counts the characters read and stops the match past the limit. */
    static CharSequence bounded(String s) {
        return new CharSequence() {
            private long reads;

            @Override
            public char charAt(int i) {
                if (++reads > MATCH_LIMIT) throw new MatchLimitExceeded();
                return s.charAt(i);
            }

            @Override
            public int length() {
                return s.length();
            }

            @Override
            public CharSequence subSequence(int start, int end) {
                return s.subSequence(start, end);
            }

            @Override
            public String toString() {
                return s;
            }
        };
    }

    /** A pattern as written: text, flags already applied, and whether it is negated. */
    record Pat(Regex regex, boolean match) {
        boolean test(String s) {
            return (regex.find(s) != null) == match;
        }
    }

    sealed interface Rule permits MatchRule, IfRule, EndifRule {}

    record MatchRule(int line, Pat first, Pat second, Replacement result) implements Rule {}

    static final class IfRule implements Rule {
        final Pat pat;
        final int line;
        int endif = -1;

        IfRule(Pat pat, int line) {
            this.pat = pat;
            this.line = line;
        }
    }

    record EndifRule(int line) implements Rule {}

    /** A pattern before compiling: its text, its flag letters and whether it is negated. */
    record PatSpec(String text, String flags, boolean match) {}

    /** Thrown by the subclass parsers: the warning has been given, skip the rule. */
    static final class Skip extends Exception {
        Skip() {
            super(null, null, false, false);
        }
    }

    private final String type;
    private final String spec;
    private final Path file;
    private final FileStamp stamp;
    protected final String name;
    protected final Consumer<String> warn;
    private final List<Rule> rules = new ArrayList<>();

    protected PatternTable(String type, String name, TableOptions opt) throws TableException {
        this.type = type;
        this.spec = type + ":" + name;
        this.name = name;
        this.file = Path.of(name);
        this.warn = opt.warn();
        this.stamp = FileStamp.of(file);
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TableException("open " + name + ": No such file or directory", e);
        } catch (IOException e) {
            throw new TableException("open " + name + ": " + e.getMessage(), e);
        }
        parse(data);
    }

    /** "regexp map NAME, line N" */
    protected String where(int line) {
        return type + " map " + name + ", line " + line;
    }


    /** Parses negation, delimiters and flags at {@code p}; returns the index after the flags. */
    protected abstract int pattern(String s, int p, int line, PatSpec[] out) throws Skip;

    /** Compiles a parsed pattern, or warns and throws Skip. */
    protected abstract Pat compile(PatSpec spec, int line) throws Skip;

    /** A regexp rule may have a second pattern (/p1/!/p2/); pcre may not. */
    protected abstract boolean secondPattern();

    private void parse(byte[] data) {
        Deque<IfRule> open = new ArrayDeque<>();
        Deque<Integer> openLines = new ArrayDeque<>();
        SourceLines.Reader reader = new SourceLines.Reader(data, name, warn);
        for (SourceLines.Line l = reader.next(); l != null; l = reader.next()) {
            String s = l.text().stripTrailing();
            int cut = s.length();
            while (cut > 0 && SourceLines.isSpace(s.charAt(cut - 1))) cut--;
            s = s.substring(0, cut);
            if (s.isEmpty()) continue;
            try {
                Rule r = rule(s, l.number(), open.size());
                if (r instanceof IfRule ifr) {
                    open.push(ifr);
                    openLines.push(l.number());
                } else if (r instanceof EndifRule) {
                    open.pop().endif = rules.size();
                    openLines.pop();
                }
                rules.add(r);
            } catch (Skip e) {
                // warned
            }
        }
        while (!open.isEmpty()) {
            open.pop();
            warn.accept(where(openLines.pop()) + ": IF has no matching ENDIF");
        }
    }

    private Rule rule(String s, int line, int nesting) throws Skip {
        char c0 = s.charAt(0);
        if (!isAlnum(c0)) {
            PatSpec[] first = new PatSpec[1];
            int p = pattern(s, 0, line, first);
            PatSpec[] second = new PatSpec[1];
            if (secondPattern() && p < s.length() && s.charAt(p) == '!') p = pattern(s, p, line, second);
            while (p < s.length() && SourceLines.isSpace(s.charAt(p))) p++;
            String text = s.substring(p);
            if (text.isEmpty()) warn.accept(where(line) + ": no replacement text: using empty string");
            Replacement r = Replacement.parse(text, where(line), type.equals("regexp"), warn);
            if (r == null) {
                warn.accept(where(line) + ": bad replacement syntax: skipping this rule");
                throw new Skip();
            }
            if (r.maxSub() > 0 && !first[0].match()) {
                warn.accept(where(line) + ": $number found in negative match replacement text: skipping this rule");
                throw new Skip();
            }
            Pat f = compile(first[0], line);
            if (r.maxSub() > f.regex().groups()) {
                warn.accept(where(line) + ": out of range replacement index \"" + r.maxSub() + "\": skipping this rule");
                throw new Skip();
            }
            return new MatchRule(line, f, second[0] == null ? null : compile(second[0], line), r);
        }
        if (s.regionMatches(true, 0, "IF", 0, 2) && (s.length() == 2 || !isAlnum(s.charAt(2)))) {
            int p = 2;
            while (p < s.length() && SourceLines.isSpace(s.charAt(p))) p++;
            PatSpec[] pat = new PatSpec[1];
            p = pattern(s, p, line, pat);
            while (p < s.length() && SourceLines.isSpace(s.charAt(p))) p++;
            if (p < s.length()) {
                warn.accept(where(line) + ": ignoring extra text after IF statement: \"" + s.substring(p) + "\"");
                warn.accept(where(line) + ": do not prepend whitespace to statements between IF and ENDIF");
            }
            return new IfRule(compile(pat[0], line), line);
        }
        if (s.regionMatches(true, 0, "ENDIF", 0, 5) && (s.length() == 5 || !isAlnum(s.charAt(5)))) {
            if (nesting == 0) {
                warn.accept(where(line) + ": ignoring ENDIF without matching IF");
                throw new Skip();
            }
            if (!s.substring(5).isBlank()) warn.accept(where(line) + ": ignoring extra text after ENDIF");
            return new EndifRule(line);
        }
        warn.accept(where(line) + ": ignoring unrecognized request");
        throw new Skip();
    }

    /** The negation operators and the delimited text from {@code p}: {negated?, start, end}, or Skip. */
    protected int[] delimited(String s, int p, int line, String skipWords) throws Skip {
        boolean match = true;
        while (p < s.length() && (s.charAt(p) == '!' || SourceLines.isSpace(s.charAt(p)))) {
            if (s.charAt(p) == '!') match = !match;
            p++;
        }
        if (p >= s.length()) {
            warn.accept(where(line) + ": no regexp: skipping this rule");
            throw new Skip();
        }
        char delim = s.charAt(p++);
        int start = p;
        while (p < s.length()) {
            char c = s.charAt(p);
            if (c == '\\') {
                if (p + 1 < s.length()) p++;
                else {
                    p = s.length();
                    break;
                }
            } else if (c == delim) {
                break;
            }
            p++;
        }
        if (p >= s.length()) {
            warn.accept(where(line) + ": no closing regexp delimiter \"" + delim + "\": " + skipWords);
            throw new Skip();
        }
        return new int[] {match ? 1 : 0, start, p};
    }

    static boolean isAlnum(char c) {
        return c < 0x80 && Character.isLetterOrDigit(c);
    }

    /**
     * The first matching rule's result. A match that exceeds {@link #MATCH_LIMIT} is, as a PCRE matching
     * error is in dict_pcre.c, a warning ("pcre map NAME, line N: match limit exceeded") and no match.
     */
    @Override
    public Optional<String> lookup(String key) {
        for (int i = 0; i < rules.size(); i++) {
            switch (rules.get(i)) {
                case MatchRule m -> {
                    try {
                        MatchResult r = m.first().regex().find(key);
                        if ((r != null) != m.first().match()) continue;
                        if (m.second() != null && !m.second().test(key)) continue;
                        return Optional.of(m.result().expand(r));
                    } catch (MatchLimitExceeded e) {
                        warn.accept(where(m.line()) + ": match limit exceeded");
                    }
                }
                case IfRule f -> {
                    boolean match;
                    try {
                        match = f.pat.test(key);
                    } catch (MatchLimitExceeded e) {
                        warn.accept(where(f.line) + ": match limit exceeded");
                        match = false;
                    }
                    if (match) continue;
                    if (f.endif < 0) return Optional.empty();
                    i = f.endif;
                }
                case EndifRule e -> { }
            }
        }
        return Optional.empty();
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public boolean changed() {
        return stamp.differs(file);
    }
}
