package org.postroom.rewrite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.Param;
import org.postroom.global.table.LazyTable;
import org.postroom.global.table.Table;
import org.postroom.global.table.TableException;

/**
 * A domain list such as mydestination or relay_domains (match_list.c, domain_list.c, match_ops.c):
 * literal names, ".parent" patterns that match every subdomain, "type:table" entries looked up with the
 * domain (and its parent domains; regexp and pcre tables the whole name only), "/file/name" entries whose lines hold more patterns, and "!pattern"
 * to exclude. The first entry that matches decides. When the list's parameter is named in
 * parent_domain_matches_subdomains, a plain name also matches its subdomains, and tables are asked for
 * "example.com" rather than ".example.com".
 */
final class DomainList {
    private sealed interface Entry {
        boolean negated();
    }

    private record Name(String pattern, boolean negated) implements Entry {}

    private record Lookup(Table table, boolean negated) implements Entry {}

    private final List<Entry> entries = new ArrayList<>();
    private final boolean parentStyle;

    DomainList(String param, List<String> items, boolean parentStyle) {
        this.parentStyle = parentStyle;
        add(param, items, 0);
    }

    /** The parameter names in parent_domain_matches_subdomains. */
    static boolean parentStyle(List<String> parentDomainMatches, String param) {
        return parentDomainMatches.stream().anyMatch(p -> p.equalsIgnoreCase(param));
    }

    private void add(String param, List<String> items, int depth) {
        for (String raw : items) {
            boolean neg = false;
            String item = raw;
            while (item.startsWith("!")) {
                neg = !neg;
                item = item.substring(1);
            }
            if (item.isEmpty()) continue;
            if (item.startsWith("/")) {
                if (depth > 10) throw new ConfigException(param + ": /file nesting too deep: " + item);
                if (neg) throw new ConfigException(param + ": negated /file entries are not supported: !" + item);
                add(param, readFile(param, Path.of(item)), depth + 1);
            } else if (item.indexOf(':') > 0 && !item.startsWith("[")) {
                entries.add(new Lookup(new LazyTable(item, false), neg));
            } else {
                entries.add(new Name(item.toLowerCase(Locale.ROOT), neg));
            }
        }
    }

    private static List<String> readFile(String param, Path file) {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                out.addAll(Param.splitList(l));
            }
        } catch (IOException e) {
            throw new ConfigException(param + ": open file " + file + ": " + e.getMessage());
        }
        return out;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Whether {@code domain} (lower case, no trailing dot) is in the list; a table failure throws. */
    boolean matches(String domain) throws TableException {
        String d = domain.toLowerCase(Locale.ROOT);
        for (Entry e : entries) {
            boolean hit = switch (e) {
                case Name n -> nameMatches(d, n.pattern());
                case Lookup l -> tableMatches(d, l.table());
            };
            if (hit) return !e.negated();
        }
        return false;
    }

    private boolean nameMatches(String d, String pattern) {
        if (d.equals(pattern)) return true;
        if (pattern.startsWith(".")) return d.endsWith(pattern);
        return parentStyle && d.endsWith("." + pattern);
    }

    private boolean tableMatches(String d, Table t) throws TableException {
        if (t.lookup(d).isPresent()) return true;
        String type = t.spec().toLowerCase(Locale.ROOT);
        if (type.startsWith("regexp:") || type.startsWith("pcre:")) return false; // patterns see the whole name only
        for (int dot = d.indexOf('.', 1); dot > 0; dot = d.indexOf('.', dot + 1)) {
            String parent = parentStyle ? d.substring(dot + 1) : d.substring(dot);
            if (!parent.isEmpty() && !parent.equals(".") && t.lookup(parent).isPresent()) return true;
        }
        return false;
    }
}
