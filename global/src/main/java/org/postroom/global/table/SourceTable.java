package org.postroom.global.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postroom.global.config.LogicalLines;

/**
 * An indexed table (hash:, btree:, cdb:, lmdb:, dbm:) read from its source text, for as long as the
 * table library cannot open the indexed file (not built with postmap(1)/postalias(1), or a type it
 * does not support yet). Both source formats are understood: "key value" (postmap) and "name: value"
 * (aliases). Keys fold to lower case; the file is read again when it changes. Postfix has no counterpart:
 * it opens the indexed file or fails; {@link LazyTable} uses this while the library lacks a type.
 */
final class SourceTable implements Table {
    private static final Set<String> INDEXED = Set.of("hash", "btree", "cdb", "lmdb", "dbm", "sdbm");

    private final String spec;
    private final Path source;
    private Map<String, String> entries = Map.of();
    private FileTime mtime;
    private long size = -1;

    private SourceTable(String spec, Path source) {
        this.spec = spec;
        this.source = source;
    }

    /** The source-file stand-in for {@code spec}, when it is an indexed type whose source file exists. */
    static Optional<SourceTable> forSpec(String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0 || !INDEXED.contains(spec.substring(0, colon).toLowerCase(Locale.ROOT))) return Optional.empty();
        Path p = Path.of(spec.substring(colon + 1));
        return Files.isRegularFile(p) ? Optional.of(new SourceTable(spec, p)) : Optional.empty();
    }

    @Override
    public synchronized Optional<String> lookup(String key) throws TableException {
        refresh();
        return Optional.ofNullable(entries.get(key.toLowerCase(Locale.ROOT)));
    }

    private void refresh() throws TableException {
        try {
            FileTime m = Files.getLastModifiedTime(source);
            long sz = Files.size(source);
            if (m.equals(mtime) && sz == size) return;
            Map<String, String> next = new HashMap<>();
            for (LogicalLines.Line l : LogicalLines.split(Files.readString(source, StandardCharsets.UTF_8), w -> {})) {
                String t = l.text();
                int end = 0;
                while (end < t.length() && !Character.isWhitespace(t.charAt(end)) && t.charAt(end) != ':') end++;
                String k = t.substring(0, end).toLowerCase(Locale.ROOT);
                String v = t.substring(end).strip();
                if (v.startsWith(":")) v = v.substring(1).strip();
                next.putIfAbsent(k, v);
            }
            entries = next;
            mtime = m;
            size = sz;
        } catch (IOException e) {
            throw new TableException(spec + ": cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String spec() {
        return spec;
    }
}
