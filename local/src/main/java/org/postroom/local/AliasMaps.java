package org.postroom.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postroom.global.log.Msg;
import org.postroom.service.FatalException;

/**
 * The alias_maps tables. Each {@code hash:PATH} (or texthash, btree, lmdb, cdb, dbm) table is read from
 * its aliases(5) source file PATH, and read again when that file's modification time or size changes.
 * A {@code proxy:} prefix is ignored, as local(8) opens alias tables directly.
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

    private static final List<String> SOURCE_TYPES = List.of("hash", "texthash", "btree", "lmdb", "cdb", "dbm");

    private final List<Table> tables = new ArrayList<>();

    AliasMaps(List<String> specs) {
        for (String spec : specs) {
            String s = spec.startsWith("proxy:") ? spec.substring(6) : spec;
            int colon = s.indexOf(':');
            if (colon < 0) throw new FatalException("alias_maps: missing table type in \"" + spec + "\"");
            String type = s.substring(0, colon);
            if (!SOURCE_TYPES.contains(type)) throw new FatalException("unsupported dictionary type: " + type);
            tables.add(new Table(s, Path.of(s.substring(colon + 1))));
        }
    }

    /** Looks {@code name} up in each table in order. */
    Optional<Match> find(String name) throws Unavailable {
        for (Table t : tables) {
            Optional<Match> m = t.find(name);
            if (m.isPresent()) return m;
        }
        return Optional.empty();
    }

    /** One table and its cached contents. */
    private static final class Table {
        private final String name;
        private final Path source;
        private FileTime mtime;
        private long size = -1;
        private int owner;
        private Map<String, List<String>> entries;

        Table(String name, Path source) {
            this.name = name;
            this.source = source;
        }

        synchronized Optional<Match> find(String key) throws Unavailable {
            refresh();
            List<String> v = entries.get(key);
            return v == null ? Optional.empty() : Optional.of(new Match(name, v, owner));
        }

        private void refresh() throws Unavailable {
            try {
                FileTime m = Files.getLastModifiedTime(source);
                long sz = Files.size(source);
                if (entries != null && m.equals(mtime) && sz == size) return;
                if (entries != null) Msg.info("table " + name + " has changed -- reloading");
                String text = Files.readString(source, StandardCharsets.UTF_8);
                int uid = (Integer) Files.getAttribute(source, "unix:uid");
                entries = AliasFile.parse(text, w -> Msg.warn(source + ", " + w));
                mtime = m;
                size = sz;
                owner = uid;
            } catch (IOException e) {
                Msg.warn("table " + name + ": cannot read " + source + ": " + e.getMessage());
                throw new Unavailable("alias database unavailable");
            }
        }
    }
}
