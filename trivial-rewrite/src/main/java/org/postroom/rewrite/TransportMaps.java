package org.postroom.rewrite;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postroom.global.table.AddressLookup;
import org.postroom.global.table.Table;
import org.postroom.global.table.TableException;

/**
 * transport_maps (transport.c, transport(5)): the recipient's transport and next hop from a table. Keys are
 * tried in this order: the full address, the address without its extension, the domain, then each parent
 * domain as ".parent" (or as "parent" when transport_maps is listed in parent_domain_matches_subdomains),
 * and finally "*". regexp and pcre tables see the full address only. A value "transport:nexthop" replaces
 * both; "transport" alone resets the next hop to the recipient domain; ":nexthop" keeps the transport.
 */
final class TransportMaps {
    /** The transport and next hop after the lookup. */
    record Route(String transport, String nexthop) {}

    private final List<Table> tables;
    private final String delimiters;
    private final boolean parentStyle;

    TransportMaps(List<Table> tables, String delimiters, boolean parentStyle) {
        this.tables = tables;
        this.delimiters = delimiters;
        this.parentStyle = parentStyle;
    }

    boolean isEmpty() {
        return tables.isEmpty();
    }

    /**
     * Applies the table to {@code address} (user@domain) and the route the address class chose; the
     * route is returned unchanged when no entry matches. A table failure throws.
     */
    Route route(String address, String domain, Route current) throws TableException {
        if (tables.isEmpty() || address.isEmpty()) return current;
        String addr = address.toLowerCase(Locale.ROOT);
        Optional<String> v = find(addr, true);
        if (v.isEmpty()) {
            int at = addr.lastIndexOf('@');
            String local = at < 0 ? addr : addr.substring(0, at);
            String bare = AddressLookup.stripExtension(local, delimiters);
            if (!bare.equals(local)) v = find(bare + addr.substring(Math.max(at, 0)), false);
        }
        String name = domain.toLowerCase(Locale.ROOT);
        while (v.isEmpty() && !name.isEmpty()) {
            v = find(name, false);
            int dot = name.indexOf('.', 1);
            if (dot < 0) break;
            name = parentStyle ? name.substring(dot + 1) : name.substring(dot);
        }
        if (v.isEmpty()) v = find("*", false);
        return v.map(value -> update(value, domain, current)).orElse(current);
    }

    private Optional<String> find(String key, boolean full) throws TableException {
        for (Table t : tables) {
            String type = t.spec().toLowerCase(Locale.ROOT);
            if (!full && (type.startsWith("regexp:") || type.startsWith("pcre:"))) continue;
            Optional<String> v = t.lookup(key);
            if (v.isPresent()) return v;
        }
        return Optional.empty();
    }

    /** update_entry(): how a table value changes transport and next hop. */
    static Route update(String value, String domain, Route current) {
        int colon = value.indexOf(':');
        String transport = (colon < 0 ? value : value.substring(0, colon)).strip();
        String hop = colon < 0 ? "" : value.substring(colon + 1).strip();
        if (transport.isEmpty()) return hop.isEmpty() ? current : new Route(current.transport(), hop);
        if (!hop.isEmpty()) return new Route(transport, hop);
        return new Route(transport, transport.equals("error") ? "Address is undeliverable" : domain);
    }
}
