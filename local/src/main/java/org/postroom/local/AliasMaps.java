package org.postroom.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postroom.global.config.ConfigException;
import org.postroom.global.log.Msg;
import org.postroom.global.table.LazyTable;
import org.postroom.global.table.Table;
import org.postroom.global.table.TableException;
import org.postroom.global.table.Tables;
import org.postroom.service.FatalException;

/**
 * The alias_maps tables, opened through the table library: hash: and the other indexed types read the
 * file postalias(1) built, pgsql:, regexp: and the rest as their type says. texthash: tables are read in
 * aliases(5) format. A {@code proxy:} prefix is dropped (local opens alias tables directly). A table that
 * cannot be opened fails every lookup (the recipient is deferred) and is opened again at the next
 * lookup; a table whose file changed is reopened. As in Postfix, an indexed table that was never
 * built (or cannot be read) defers delivery; its source text is not read instead. The owner of the table's file
 * (root for tables without a file) decides the rights of commands and files in its values.
 */
final class AliasMaps {

    /** A hit: the values, the table it came from and the uid that owns that table. */
    record Match(String table, List<String> values, int ownerUid) {}

    /** The table exists in the configuration but cannot be read: the caller defers. */
    static final class Unavailable extends IOException {
        Unavailable(String message) {
            super(message);
        }
    }

    private static final Set<String> INDEXED = Set.of("hash", "btree", "cdb", "lmdb", "dbm", "sdbm");

    private final List<Entry> tables = new ArrayList<>();

    AliasMaps(List<String> specs) {
        for (String raw : specs) {
            String spec = LazyTable.withoutProxy(raw);
            int colon = spec.indexOf(':');
            if (colon <= 0) throw new FatalException("alias_maps: missing table type in \"" + raw + "\"");
            tables.add(new Entry(spec, spec.substring(0, colon).toLowerCase(Locale.ROOT), spec.substring(colon + 1)));
        }
    }

    /** Looks {@code name} up in each table in order. */
    Optional<Match> find(String name) throws Unavailable {
        for (Entry t : tables) {
            Optional<Match> m = t.find(name);
            if (m.isPresent()) return m;
        }
        return Optional.empty();
    }

    /** Whether any table has {@code name} (the owner- lookup). */
    boolean contains(String name) throws Unavailable {
        return find(name).isPresent();
    }

    /** One configured table: the library's table, or the aliases source while the library cannot open it. */
    private static final class Entry {
        private final String spec;
        private final String type;
        private final String name;
        private Table table;
        private SourceAliases source;
        private boolean warned;
        private long retryAt;

        Entry(String spec, String type, String name) {
            this.spec = spec;
            this.type = type;
            this.name = name;
            if (type.equals("texthash")) {
                source = new SourceAliases(spec, Path.of(name));
            } else {
                try {
                    open();
                } catch (Unavailable e) {
                    // logged; retried at the first lookup
                }
            }
        }

        private void open() throws Unavailable {
            try {
                table = Tables.open(spec);
            } catch (ConfigException | TableException e) {
                // as Postfix: an indexed table that cannot be opened defers delivery (no reading of the
                // source text instead, which may not be what the administrator meant to publish)
                if (e instanceof ConfigException ce) throw new FatalException(ce.getMessage());
                Msg.warn("table " + spec + ": " + e.getMessage());
                throw new Unavailable("alias database unavailable");
            }
        }

        synchronized Optional<Match> find(String key) throws Unavailable {
            if (source != null && !type.equals("texthash") && System.currentTimeMillis() >= retryAt) {
                retryAt = System.currentTimeMillis() + 10_000;
                try {
                    table = Tables.open(spec); // postalias may have built the database by now
                    source = null;
                    Msg.info("table " + spec + ": using the database file now");
                } catch (ConfigException | TableException e) {
                    // still not usable: keep reading the source file
                }
            }
            if (source != null) return source.find(key);
            if (table != null && table.changed()) {
                Msg.info("table " + spec + " has changed -- reopening");
                table.close();
                table = null;
            }
            if (table == null) open();
            if (source != null) return source.find(key);
            try {
                Optional<String> v = table.lookup(key.toLowerCase(Locale.ROOT));
                return v.map(value -> new Match(spec, AliasFile.splitValues(value), owner()));
            } catch (TableException e) {
                Msg.warn("table " + spec + ": " + e.getMessage());
                throw new Unavailable("alias database unavailable");
            }
        }

        /** dict_owner: the uid of the file behind the table, root for tables without one. */
        private int owner() {
            for (String f : List.of(name + ".db", name + ".cdb", name + ".lmdb", name)) {
                Path p = Path.of(f);
                if (f.startsWith("/") && Files.isRegularFile(p)) {
                    try {
                        return (Integer) Files.getAttribute(p, "unix:uid");
                    } catch (IOException | UnsupportedOperationException e) {
                        return 0;
                    }
                }
            }
            return 0;
        }
    }
}
