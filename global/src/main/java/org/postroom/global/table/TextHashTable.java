package org.postroom.global.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code texthash:file}: a postmap(1) source file read into memory when opened (dict_thash.c). Keys are
 * folded as the options say; duplicates are warned about as {@code FILE, line N: duplicate entry: "key"}
 * and the first value wins (unless the options say ignore or replace). {@link #changed} reports an edited
 * file so that daemons can reopen it.
 */
public final class TextHashTable implements ListableTable {
    private final String spec;
    private final Path file;
    private final FileStamp stamp;
    private final Map<String, String> map;
    private final TableOptions opt;

    private TextHashTable(String spec, Path file, FileStamp stamp, Map<String, String> map, TableOptions opt) {
        this.spec = spec;
        this.file = file;
        this.stamp = stamp;
        this.map = map;
        this.opt = opt;
    }

    /**
     * Reads {@code name}. Postfix (dict_thash.c) pauses two seconds and reads again while the file's mtime
     * is within a second of the current time; Postroom instead reads again only when the file changed
     * while it was being read, so that a freshly written table does not stall a daemon.
     */
    public static TextHashTable open(String name, TableOptions opt) throws TableException {
        Path file = Path.of(name);
        for (int attempt = 0; ; attempt++) {
            FileStamp stamp = FileStamp.of(file);
            Map<String, String> m = read(name, file, opt);
            if (attempt >= 4 || !stamp.differs(file)) return new TextHashTable("texthash:" + name, file, stamp, m, opt);
        }
    }

    private static Map<String, String> read(String name, Path file, TableOptions opt) throws TableException {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TableException("open database " + name + ": No such file or directory", e);
        } catch (IOException e) {
            throw new TableException("open database " + name + ": " + e.getMessage(), e);
        }
        Map<String, String> m = new LinkedHashMap<>();
        KeyValueSource.parse(data, name, opt, true, e -> {
            String k = opt.foldKey(e.key());
            if (m.containsKey(k)) {
                switch (opt.dup()) {
                    case WARN -> opt.warn().accept(name + ", line " + e.line() + ": duplicate entry: \"" + k + "\"");
                    case IGNORE -> { }
                    case REPLACE -> m.put(k, e.value());
                }
                return;
            }
            m.put(k, e.value());
        });
        return m;
    }

    @Override
    public Optional<String> lookup(String key) {
        return Optional.ofNullable(map.get(opt.foldKey(key)));
    }

    @Override
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        map.forEach((k, v) -> out.add(new Entry(k, v)));
        return out;
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public boolean changed() {
        return stamp.differs(file);
    }
}
