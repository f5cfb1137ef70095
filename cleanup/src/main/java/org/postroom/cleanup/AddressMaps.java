package org.postroom.cleanup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.cleanup.CleanupStatus;
import org.postroom.global.table.AddressLookup;
import org.postroom.global.table.Table;
import org.postroom.global.table.TableException;

/**
 * Address mapping through tables (cleanup_map11.c, cleanup_map1n.c, mail_addr_map.c): one-to-one
 * mapping for canonical maps, and recursive one-to-many expansion for virtual_alias_maps. Lookups use
 * the key order of {@link AddressLookup}; a result "@domain" keeps the local part; every result address
 * is canonicalised (bare names get @$myorigin) and, when the match ignored an address extension and
 * propagation is on, gets the extension back.
 */
final class AddressMaps {
    /** A parameter's tables and its name for log lines. */
    record Maps(String title, List<Table> tables) {
        boolean isEmpty() {
            return tables.isEmpty();
        }
    }

    /** Limits and the recipient delimiter. */
    record Limits(String delimiters, int recursion, int expansion, int addressLength) {}

    /** Rewrites one address to canonical form (trivial-rewrite, "local" rule). */
    interface Canonicalizer {
        String canonical(String address) throws IOException;
    }

    /** Whether a domain is local ($mydestination or our addresses): enables user-only lookup keys. */
    interface LocalDomains {
        boolean isLocal(String domain) throws IOException;
    }

    /** Mapping failed: the warning is logged; cleanup must refuse the message with this status. */
    static final class Failure extends Exception {
        final int status;

        Failure(int status) {
            super("4.6.0 Alias expansion error");
            this.status = status;
        }
    }

    private static final int MAX_CANONICAL = 10;
    private final Limits limits;
    private final Canonicalizer canon;
    private final LocalDomains local;
    private final String myorigin;

    AddressMaps(Limits limits, Canonicalizer canon, LocalDomains local, String myorigin) {
        this.limits = limits;
        this.canon = canon;
        this.local = local;
        this.myorigin = myorigin.toLowerCase(Locale.ROOT);
    }

    /** cleanup_map11: follow a canonical map up to 10 times, until an address maps to itself. */
    String map11(String id, Maps maps, String address, boolean propagate) throws Failure {
        String addr = address;
        for (int count = 0; count < MAX_CANONICAL; count++) {
            Optional<List<String>> r = lookup(id, maps, addr, propagate, CleanupStatus.STAT_WRITE);
            if (r.isEmpty()) return addr;
            if (r.get().size() > 1) Msg.warn(id + ": multi-valued " + maps.title() + " entry for " + addr);
            String next = r.get().getFirst();
            boolean self = next.equalsIgnoreCase(addr);
            addr = next;
            if (self) return addr;
        }
        Msg.warn(id + ": unreasonable " + maps.title() + " map nesting for " + addr
                + " -- message not accepted, try again later");
        throw new Failure(CleanupStatus.STAT_WRITE);
    }

    /** cleanup_map1n: expand recursively; an address that expands into itself is kept once. */
    List<String> map1n(String id, Maps maps, String address, boolean propagate) throws Failure {
        List<String> argv = new ArrayList<>(List.of(address));
        Set<String> beenHere = new HashSet<>();
        for (int arg = 0; arg < argv.size(); arg++) {
            if (argv.size() > limits.expansion()) {
                Msg.warn(id + ": unreasonable " + maps.title() + " map expansion size for " + address
                        + " -- message not accepted, try again later");
                throw new Failure(CleanupStatus.STAT_DEFER);
            }
            for (int count = 0; ; count++) {
                if (beenHere.contains(argv.get(arg).toLowerCase(Locale.ROOT))) break;
                if (count >= limits.recursion()) {
                    Msg.warn(id + ": unreasonable " + maps.title() + " map nesting for " + address
                            + " -- message not accepted, try again later");
                    throw new Failure(CleanupStatus.STAT_DEFER);
                }
                Optional<List<String>> r = lookup(id, maps, argv.get(arg), propagate, CleanupStatus.STAT_WRITE, address);
                if (r.isEmpty()) break;
                String lhs = argv.get(arg);
                for (int i = 0; i < r.get().size(); i++) {
                    String a = r.get().get(i);
                    if (a.length() > limits.addressLength()) {
                        Msg.warn(id + ": unreasonable " + maps.title() + " result " + clip(a)
                                + "... -- message not accepted, try again later");
                        throw new Failure(CleanupStatus.STAT_DEFER);
                    }
                    if (i == 0) argv.set(arg, a);
                    else argv.add(a);
                    if (a.equalsIgnoreCase(lhs)) beenHere.add(lhs.toLowerCase(Locale.ROOT));
                }
            }
        }
        return argv;
    }

    private Optional<List<String>> lookup(String id, Maps maps, String addr, boolean propagate, int status) throws Failure {
        return lookup(id, maps, addr, propagate, status, addr);
    }

    /** mail_addr_map: one lookup with result parsing; a table failure is logged and thrown. */
    private Optional<List<String>> lookup(String id, Maps maps, String addr, boolean propagate, int status, String logAddr)
            throws Failure {
        try {
            Optional<AddressLookup.Hit> hit = AddressLookup.find(maps.tables(), addr, limits.delimiters(), this::ourDomain);
            if (hit.isEmpty()) return Optional.empty();
            String ext = extension(addr, hit.get().key());
            String value = hit.get().value();
            if (value.startsWith("@")) {
                int at = addr.lastIndexOf('@');
                String localPart = at < 0 ? addr : addr.substring(0, at);
                if (ext != null) localPart = localPart.substring(0, localPart.length() - ext.length());
                value = localPart + value;
            }
            List<String> out = new ArrayList<>();
            for (String a : AddressTokens.addresses(value)) {
                String c = canon.canonical(a);
                if (propagate && ext != null) c = withExtension(c, ext);
                out.add(c);
            }
            if (out.isEmpty()) {
                Msg.warn(maps.title() + " lookup of " + addr + " returns non-address result \"" + value + "\"");
                throw new TableException("non-address result");
            }
            return Optional.of(out);
        } catch (TableException | UncheckedIOException e) {
            Msg.warn(id + ": " + maps.title() + " map lookup problem for " + logAddr
                    + " -- message not accepted, try again later");
            throw new Failure(status);
        } catch (IOException e) {
            Msg.warn(id + ": " + maps.title() + " map lookup problem for " + logAddr
                    + " -- message not accepted, try again later");
            throw new Failure(status);
        }
    }

    private boolean ourDomain(String domain) {
        if (domain.equals(myorigin)) return true;
        try {
            return local.isLocal(domain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The "+ext" the match ignored, or null (no extension, a full-key match, or an @domain match). */
    private String extension(String addr, String key) {
        if (key.startsWith("@")) return null;
        int at = addr.lastIndexOf('@');
        String localPart = at < 0 ? addr : addr.substring(0, at);
        String bare = AddressLookup.stripExtension(localPart, limits.delimiters());
        if (bare.equals(localPart)) return null;
        String keyLocal = key.indexOf('@') < 0 ? key : key.substring(0, key.lastIndexOf('@'));
        return keyLocal.equalsIgnoreCase(bare) ? localPart.substring(bare.length()) : null;
    }

    static String withExtension(String address, String ext) {
        int at = address.lastIndexOf('@');
        return at < 0 ? address + ext : address.substring(0, at) + ext + address.substring(at);
    }

    private static String clip(String s) {
        return s.length() > 300 ? s.substring(0, 300) : s;
    }
}
