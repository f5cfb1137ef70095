package org.postroom.global.table;

import java.util.List;
import java.util.Locale;

/**
 * A domain list such as mydestination or relay_domains (match_list.c, domain_list.c, match_ops.c):
 * literal names, ".parent" patterns that match every subdomain, "type:table" entries looked up with the
 * domain (and its parent domains; regexp and pcre tables the whole name only), "/file/name" entries whose lines hold more patterns, and "!pattern"
 * to exclude. The first entry that matches decides. When the list's parameter is named in
 * parent_domain_matches_subdomains, a plain name also matches its subdomains, and tables are asked for
 * "example.com" rather than ".example.com".
 */
public final class DomainList {
    private final List<MatchList.Item> entries;
    private final boolean parentStyle;

    public DomainList(String param, List<String> items, boolean parentStyle) {
        this.parentStyle = parentStyle;
        this.entries = MatchList.parse(param, items);
    }

    /** The parameter names in parent_domain_matches_subdomains. */
    public static boolean parentStyle(List<String> parentDomainMatches, String param) {
        return parentDomainMatches.stream().anyMatch(p -> p.equalsIgnoreCase(param));
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Whether {@code domain} (lower case, no trailing dot) is in the list; a table failure throws. */
    public boolean matches(String domain) throws TableException {
        String d = domain.toLowerCase(Locale.ROOT);
        for (MatchList.Item e : entries) {
            boolean hit = switch (e) {
                case MatchList.Pattern n -> nameMatches(d, n.text());
                case MatchList.Lookup l -> tableMatches(d, l.table());
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
