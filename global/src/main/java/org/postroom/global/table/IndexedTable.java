package org.postroom.global.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code hash:name} and {@code btree:name}: a {@link DbFile} named {@code name.db}, built by postmap or
 * postalias. Keys are folded as the options say, then tried with a terminating NUL and/or without one,
 * and the form that hits first is remembered (dict_db.c). A missing or damaged file is a
 * {@link TableException}, so daemons defer.
 */
public final class IndexedTable implements ListableTable {
    private final String spec;
    private final Path file;
    private final TableOptions opt;
    private final DbFile db;
    private final FileStamp stamp;
    private volatile boolean tryNul;
    private volatile boolean tryPlain;

    private IndexedTable(String spec, Path file, TableOptions opt, DbFile db, FileStamp stamp) {
        this.spec = spec;
        this.file = file;
        this.opt = opt;
        this.db = db;
        this.stamp = stamp;
        this.tryNul = opt.withNul();
        this.tryPlain = opt.noNul();
    }

    /** Opens {@code name.db} for the table "type:name". */
    public static IndexedTable open(String type, String name, TableOptions opt) throws TableException {
        Path file = Path.of(name + ".db");
        FileStamp stamp = FileStamp.of(file);
        try {
            return new IndexedTable(type + ":" + name, file, opt, DbFile.open(file), stamp);
        } catch (NoSuchFileException e) {
            throw new TableException("open database " + name + ".db: No such file or directory", e);
        } catch (IOException e) {
            throw new TableException("open database " + name + ".db: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> lookup(String key) {
        byte[] k = opt.foldKey(key).getBytes(StandardCharsets.UTF_8);
        if (tryNul) {
            byte[] v = db.get(withNul(k));
            if (v != null) {
                tryPlain = false;
                return Optional.of(string(v));
            }
        }
        if (tryPlain) {
            byte[] v = db.get(k);
            if (v != null) {
                tryNul = false;
                return Optional.of(string(v));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        db.forEach((k, v) -> out.add(new Entry(string(k), string(v))));
        return out;
    }

    static byte[] withNul(byte[] k) {
        return Arrays.copyOf(k, k.length + 1);
    }

    /** C-string view: up to the first NUL. */
    static String string(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** The raw entries, in key order (for rebuilding in place). */
    DbFile file() {
        return db;
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public boolean changed() {
        return stamp.differs(file);
    }

    @Override
    public void close() {
        db.close();
    }
}
