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

/**
 * {@code cidr:file} (cidr_table(5), dict_cidr.c): {@code network/prefix result} rules and bare addresses,
 * IPv4 or IPv6 (with or without [ ]), {@code !pattern} negation, and {@code if pattern} ... {@code endif}
 * blocks. The first matching rule wins; a key that is not an address matches nothing. Host bits beyond
 * the prefix must be zero; bad rules are skipped with Postfix's warnings.
 */
public final class CidrTable implements Table {

    /** One rule: an address block, negated or not; value null for IF; endif index for IF. */
    private static final class Rule {
        final byte[] net;
        final byte[] mask;
        final boolean match;
        final String value;
        final boolean isIf;
        final boolean isEndif;
        int endif = -1;

        Rule(byte[] net, byte[] mask, boolean match, String value, boolean isIf, boolean isEndif) {
            this.net = net;
            this.mask = mask;
            this.match = match;
            this.value = value;
            this.isIf = isIf;
            this.isEndif = isEndif;
        }

        boolean matches(byte[] addr) {
            if (addr.length != net.length) return false;
            for (int i = 0; i < addr.length; i++) {
                if ((addr[i] & mask[i]) != net[i]) return !match;
            }
            return match;
        }
    }

    private static final class Bad extends Exception {
        Bad(String m) {
            super(m, null, false, false);
        }
    }

    private final String spec;
    private final Path file;
    private final FileStamp stamp;
    private final List<Rule> rules = new ArrayList<>();

    private CidrTable(String name, TableOptions opt) throws TableException {
        this.spec = "cidr:" + name;
        this.file = Path.of(name);
        this.stamp = FileStamp.of(file);
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TableException("open " + name + ": No such file or directory", e);
        } catch (IOException e) {
            throw new TableException("open " + name + ": " + e.getMessage(), e);
        }
        Deque<Integer> open = new ArrayDeque<>();
        Deque<Integer> openLines = new ArrayDeque<>();
        SourceLines.Reader reader = new SourceLines.Reader(data, name, opt.warn());
        for (SourceLines.Line l = reader.next(); l != null; l = reader.next()) {
            String s = trim(l.text());
            try {
                Rule r = rule(s, open.size());
                if (r.isIf) {
                    open.push(rules.size());
                    openLines.push(l.number());
                } else if (r.isEndif) {
                    rules.get(open.pop()).endif = rules.size();
                    openLines.pop();
                }
                rules.add(r);
            } catch (Bad e) {
                opt.warn().accept("cidr map " + name + ", line " + l.number() + ": " + e.getMessage() + ": skipping this rule");
            }
        }
        while (!openLines.isEmpty()) {
            open.pop();
            opt.warn().accept("cidr map " + name + ", line " + openLines.pop() + ": IF has no matching ENDIF");
        }
    }

    public static CidrTable open(String name, TableOptions opt) throws TableException {
        return new CidrTable(name, opt);
    }

    private static String trim(String s) {
        int e = s.length();
        while (e > 0 && SourceLines.isSpace(s.charAt(e - 1))) e--;
        return s.substring(0, e);
    }

    private static Rule rule(String s, int nesting) throws Bad {
        if (s.regionMatches(true, 0, "IF", 0, 2) && (s.length() == 2 || !PatternTable.isAlnum(s.charAt(2)))) {
            int p = 2;
            boolean match = true;
            while (p < s.length() && (s.charAt(p) == '!' || SourceLines.isSpace(s.charAt(p)))) {
                if (s.charAt(p++) == '!') match = !match;
            }
            if (p >= s.length()) throw new Bad("no address pattern");
            byte[][] nm = pattern(s.substring(p));
            return new Rule(nm[0], nm[1], match, null, true, false);
        }
        if (s.regionMatches(true, 0, "ENDIF", 0, 5) && (s.length() == 5 || !PatternTable.isAlnum(s.charAt(5)))) {
            if (!s.substring(5).isBlank()) throw new Bad("garbage after ENDIF");
            if (nesting == 0) throw new Bad("ENDIF without IF");
            return new Rule(null, null, true, null, false, true);
        }
        int p = 0;
        boolean match = true;
        while (p < s.length() && (s.charAt(p) == '!' || SourceLines.isSpace(s.charAt(p)))) {
            if (s.charAt(p++) == '!') match = !match;
        }
        int e = p;
        while (e < s.length() && !SourceLines.isSpace(s.charAt(e))) e++;
        if (e == p) throw new Bad("no address pattern");
        byte[][] nm = pattern(s.substring(p, e));
        while (e < s.length() && SourceLines.isSpace(s.charAt(e))) e++;
        if (e >= s.length()) throw new Bad("no lookup result");
        return new Rule(nm[0], nm[1], match, s.substring(e), false, false);
    }

    /** {network, mask} for "addr", "addr/len", "[addr]", "[addr]/len" or "[addr/len]". */
    private static byte[][] pattern(String pat) throws Bad {
        String search = pat;
        String addr = pat;
        if (pat.startsWith("[")) {
            String in = pat.substring(1);
            int rb = in.indexOf(']');
            if (rb < 0) throw new Bad("missing ']' character after \"[" + in + "\"");
            String after = in.substring(rb + 1);
            addr = in.substring(0, rb);
            if (!after.isEmpty() && after.charAt(0) != '/') throw new Bad("garbage after \"[" + addr + "]\"");
            search = after.isEmpty() ? addr : after;
            if (!after.isEmpty()) addr = addr + after;
        }
        int slash = search.indexOf('/');
        if (slash >= 0) {
            int cut = addr.length() - (search.length() - slash);
            String net = addr.substring(0, cut);
            String mask = search.substring(slash + 1);
            boolean v6 = net.indexOf(':') >= 0;
            int bits = v6 ? 128 : 32;
            String shown = "\"" + net + "/" + mask + "\"";
            if (mask.isEmpty() || !mask.chars().allMatch(c -> c >= '0' && c <= '9')) throw new Bad("bad mask value in " + shown);
            int len = mask.length() > 4 ? Integer.MAX_VALUE : Integer.parseInt(mask);
            if (len > bits) throw new Bad("bad mask length in " + shown);
            byte[] a = v6 ? InetText.parse6(net) : InetText.parse4(net);
            if (a == null) throw new Bad("bad network value in " + shown);
            byte[] m = mask(a.length, len);
            byte[] masked = a.clone();
            for (int i = 0; i < a.length; i++) masked[i] &= m[i];
            if (!java.util.Arrays.equals(a, masked)) {
                throw new Bad("non-null host address bits in " + shown + ", perhaps you should use \""
                        + InetText.format(masked) + "/" + len + "\" instead");
            }
            return new byte[][] {a, m};
        }
        byte[] a = addr.indexOf(':') >= 0 ? InetText.parse6(addr) : InetText.parse4(addr);
        if (a == null) throw new Bad("bad address pattern: \"" + addr + "\"");
        return new byte[][] {a, mask(a.length, a.length * 8)};
    }

    private static byte[] mask(int bytes, int len) {
        byte[] m = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            int b = Math.max(0, Math.min(8, len - 8 * i));
            m[i] = (byte) (0xff << (8 - b));
        }
        return m;
    }

    @Override
    public Optional<String> lookup(String key) {
        byte[] a = key.indexOf(':') >= 0 ? InetText.parse6(key) : InetText.parse4(key);
        if (a == null) return Optional.empty();
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            if (r.isEndif) continue;
            if (r.isIf) {
                if (r.net.length == a.length && r.matches(a)) continue;
                if (r.endif < 0) return Optional.empty();
                i = r.endif;
                continue;
            }
            if (r.matches(a)) return Optional.of(r.value);
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
