package org.postroom.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;
import org.postroom.global.table.LazyTable;
import org.postroom.global.table.Table;

/**
 * Which maps apply where (cleanup_init.c, cleanup_addr.c): sender_canonical_maps then canonical_maps for
 * senders, recipient_canonical_maps then canonical_maps for recipients, each only for the address classes
 * its *_canonical_classes parameter names (envelope_sender, envelope_recipient, header_sender,
 * header_recipient), and virtual_alias_maps for envelope recipients. propagate_unmatched_extensions
 * decides whether an extension that did not match travels to the result.
 */
final class AddressMapping {
    /** The four address classes of canonical_classes. */
    enum Kind {
        ENVELOPE_SENDER, ENVELOPE_RECIPIENT, HEADER_SENDER, HEADER_RECIPIENT;

        String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean sender() {
            return this == ENVELOPE_SENDER || this == HEADER_SENDER;
        }
    }

    private record Applied(AddressMaps.Maps maps, Set<String> classes) {}

    private final AddressMaps engine;
    private final Applied senderCanonical;
    private final Applied recipientCanonical;
    private final Applied canonical;
    private final AddressMaps.Maps virtual;
    private final boolean propagateCanonical;
    private final boolean propagateVirtual;

    AddressMapping(AddressMaps engine, MainCf cfg) {
        this.engine = engine;
        this.senderCanonical = applied(cfg, CleanupParams.SENDER_CANONICAL_MAPS, CleanupParams.SENDER_CANONICAL_CLASSES);
        this.recipientCanonical = applied(cfg, CleanupParams.RECIPIENT_CANONICAL_MAPS, CleanupParams.RECIPIENT_CANONICAL_CLASSES);
        this.canonical = applied(cfg, CleanupParams.CANONICAL_MAPS, CleanupParams.CANONICAL_CLASSES);
        this.virtual = maps(cfg, Params.VIRTUAL_ALIAS_MAPS);
        Set<String> prop = lower(cfg.get(CleanupParams.PROPAGATE_UNMATCHED_EXTENSIONS));
        this.propagateCanonical = prop.contains("canonical");
        this.propagateVirtual = prop.contains("virtual");
    }

    /** The limits and delimiter the engine needs, from main.cf. */
    static AddressMaps.Limits limits(MainCf cfg) {
        return new AddressMaps.Limits(cfg.get(Params.RECIPIENT_DELIMITER), cfg.get(CleanupParams.VIRTUAL_ALIAS_RECURSION_LIMIT),
                cfg.get(CleanupParams.VIRTUAL_ALIAS_EXPANSION_LIMIT), cfg.get(CleanupParams.VIRTUAL_ALIAS_ADDRESS_LENGTH_LIMIT));
    }

    private static Applied applied(MainCf cfg, Param<List<String>> maps, Param<List<String>> classes) {
        Set<String> c = lower(cfg.get(classes));
        for (String k : c) {
            boolean known = false;
            for (Kind kind : Kind.values()) known |= kind.keyword().equals(k);
            if (!known) throw new ConfigException("unknown " + classes.name() + " value \"" + k + "\"");
        }
        return new Applied(maps(cfg, maps), c);
    }

    private static AddressMaps.Maps maps(MainCf cfg, Param<List<String>> p) {
        List<Table> tables = new ArrayList<>();
        for (String spec : cfg.get(p)) tables.add(new LazyTable(spec, false));
        return new AddressMaps.Maps(p.name(), tables);
    }

    private static Set<String> lower(List<String> l) {
        return l.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether any canonical map applies to headers (cleanup can then skip header parsing). */
    boolean mapsHeaders() {
        for (Applied a : List.of(senderCanonical, recipientCanonical, canonical)) {
            if (!a.maps().isEmpty() && (a.classes().contains("header_sender") || a.classes().contains("header_recipient"))) {
                return true;
            }
        }
        return false;
    }

    /** The canonical form of one address of the given class (the null sender is left alone). */
    String canonical(String id, Kind kind, String address) throws AddressMaps.Failure {
        if (address.isEmpty()) return address;
        String a = address;
        Applied own = kind.sender() ? senderCanonical : recipientCanonical;
        for (Applied m : List.of(own, canonical)) {
            if (!m.maps().isEmpty() && m.classes().contains(kind.keyword())) {
                a = engine.map11(id, m.maps(), a, propagateCanonical);
            }
        }
        return a;
    }

    /** virtual_alias_maps expansion of one envelope recipient. */
    List<String> virtual(String id, String address) throws AddressMaps.Failure {
        if (virtual.isEmpty() || address.isEmpty()) return List.of(address);
        return engine.map1n(id, virtual, address, propagateVirtual);
    }
}
