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
        for (Table t : tables) {
            Optional<Hit> h = find(t, address, delimiters, ourDomain);
            if (h.isPresent()) return h;
        }
        return Optional.empty();
    }

    public static Optional<Hit> find(Table t, String address, String delimiters, Predicate<String> ourDomain) throws TableException {
        String spec = t.spec().toLowerCase(Locale.ROOT);
        if (spec.startsWith("regexp:") || spec.startsWith("pcre:")) {
            return t.lookup(address).map(v -> new Hit(v, address));
        }
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? "" : address.substring(at + 1);
        String bare = stripExtension(local, delimiters);
        boolean hasExt = !bare.equals(local);
        if (at >= 0) {
            if (hasExt) {
                Optional<String> v = t.lookup(local + "@" + domain);
                if (v.isPresent()) return Optional.of(new Hit(v.get(), local + "@" + domain));
            }
            Optional<String> v = t.lookup(bare + "@" + domain);
            if (v.isPresent()) return Optional.of(new Hit(v.get(), bare + "@" + domain));
        }
        if (at < 0 || ourDomain.test(domain.toLowerCase(Locale.ROOT))) {
            if (hasExt) {
                Optional<String> v = t.lookup(local);
                if (v.isPresent()) return Optional.of(new Hit(v.get(), local));
            }
            Optional<String> v = t.lookup(bare);
            if (v.isPresent()) return Optional.of(new Hit(v.get(), bare));
        }
        if (at >= 0) {
            Optional<String> v = t.lookup("@" + domain);
            if (v.isPresent()) return Optional.of(new Hit(v.get(), "@" + domain));
        }
        return Optional.empty();
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
