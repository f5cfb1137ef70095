package org.postroom.global.table;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Address lookups in the key order of virtual(5), canonical(5) and access(5) (mail_addr_find.c):
 * user+ext@domain, user@domain, then -- only when the domain is one of ours -- user+ext and user, then
 * @domain. regexp and pcre tables see the whole address once.
 */
public final class AddressLookup {
    private AddressLookup() {}

    /** A hit: the value and the key that matched (callers need it to propagate extensions). */
    public record Hit(String value, String key) {}

    /**
     * @param delimiters  recipient_delimiter characters (empty for none)
     * @param ourDomain   whether a domain is local ($myorigin, $mydestination, ...), enabling the bare-user keys
     */
    public static Optional<Hit> find(List<Table> tables, String address, String delimiters, Predicate<String> ourDomain)
            throws TableException {
        // mail_addr_find(): each key form is looked up in every table (maps_find) before the next form is
        // tried, so a full-address entry in a later table wins over "@domain" in an earlier one, and a
        // table that fails is noticed at the first key, whatever the earlier tables hold. regexp and pcre
        // tables see only the first, whole-address key.
        List<String> keys = keys(address, delimiters, ourDomain);
        for (int k = 0; k < keys.size(); k++) {
            String key = keys.get(k);
            for (Table t : tables) {
                if (k > 0 && isPattern(t)) continue;
                Optional<String> v = t.lookup(k == 0 && isPattern(t) ? address : key);
                if (v.isPresent()) return Optional.of(new Hit(v.get(), k == 0 && isPattern(t) ? address : key));
            }
        }
        return Optional.empty();
    }

    public static Optional<Hit> find(Table t, String address, String delimiters, Predicate<String> ourDomain) throws TableException {
        return find(List.of(t), address, delimiters, ourDomain);
    }

    private static boolean isPattern(Table t) {
        String spec = t.spec().toLowerCase(Locale.ROOT);
        return spec.startsWith("regexp:") || spec.startsWith("pcre:");
    }

    /** The key forms in lookup order: user+ext@domain, user@domain, user+ext, user (our domains), @domain. */
    static List<String> keys(String address, String delimiters, Predicate<String> ourDomain) {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? "" : address.substring(at + 1);
        String bare = stripExtension(local, delimiters);
        boolean hasExt = !bare.equals(local);
        List<String> keys = new java.util.ArrayList<>();
        if (at >= 0) {
            if (hasExt) keys.add(local + "@" + domain);
            keys.add(bare + "@" + domain);
        }
        if (at < 0 || ourDomain.test(domain.toLowerCase(Locale.ROOT))) {
            if (hasExt) keys.add(local);
            keys.add(bare);
        }
        if (at >= 0) keys.add("@" + domain);
        return keys;
    }

    /** "user+ext" to "user" for the first delimiter found; special names keep their form. */
    public static String stripExtension(String local, String delimiters) {
        if (delimiters == null || delimiters.isEmpty()) return local;
        String lc = local.toLowerCase(Locale.ROOT);
        if (lc.equals("postmaster") || lc.equals("mailer-daemon") || lc.equals("double-bounce")) return local;
        for (int i = 0; i < local.length(); i++) {
            if (delimiters.indexOf(local.charAt(i)) >= 0 && i > 0) return local.substring(0, i);
        }
        return local;
    }
}
