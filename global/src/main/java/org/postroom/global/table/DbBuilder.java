package org.postroom.global.table;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates or changes a hash/btree table file the way Postfix's mkmap and dict_db update do: keys folded
 * as the options say, one NUL form chosen (with NUL unless -n), duplicates warned about, ignored or
 * replaced, and the result written atomically by {@link #commit}. An update reads the existing file,
 * applies the changes in memory and writes a new file; nothing is changed in place.
 */
public final class DbBuilder {
    private final String name;
    private final Path file;
    private TableOptions opt;
    private final Map<ByteBuffer, byte[]> map = new HashMap<>();
    private boolean useNul;
    private boolean tryNul;
    private boolean tryPlain;
    private boolean dirty;

    private DbBuilder(String name, TableOptions opt) {
        this.name = name;
        this.file = Path.of(name + ".db");
        this.opt = opt;
        this.useNul = opt.withNul();
        this.tryNul = opt.withNul();
        this.tryPlain = opt.noNul();
    }

    /** A new, empty table (postmap without -i): the old file is replaced on commit. */
    public static DbBuilder create(String name, TableOptions opt) {
        DbBuilder b = new DbBuilder(name, opt);
        b.dirty = true;
        return b;
    }

    /**
     * The existing table, to change it. {@code mayCreate}: a missing file starts empty (postmap -i);
     * otherwise it is a {@link TableException} (postmap -d).
     */
    public static DbBuilder update(String name, TableOptions opt, boolean mayCreate) throws TableException {
        DbBuilder b = new DbBuilder(name, opt);
        try (DbFile db = DbFile.open(b.file)) {
            db.forEach((k, v) -> b.map.put(ByteBuffer.wrap(k), v));
        } catch (NoSuchFileException e) {
            if (!mayCreate) throw new TableException("open database " + name + ".db: No such file or directory", e);
            b.dirty = true;
        } catch (IOException e) {
            throw new TableException("open database " + name + ".db: " + e.getMessage(), e);
        }
        return b;
    }

    /** Changes the options for the entries that follow (postalias writes its YP_ entries unfolded, without NUL). */
    public void options(TableOptions o) {
        this.opt = o;
        this.useNul = o.withNul();
    }

    /** Adds an entry (mkmap_append / dict_db_update). */
    public void put(String key, String value) {
        String k = opt.foldKey(key);
        byte[] kb = k.getBytes(StandardCharsets.UTF_8);
        if (useNul) kb = IndexedTable.withNul(kb);
        byte[] vb = value.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bk = ByteBuffer.wrap(kb);
        if (map.containsKey(bk)) {
            switch (opt.dup()) {
                case WARN -> {
                    opt.warn().accept(name + ".db: duplicate entry: \"" + k + "\"");
                    return;
                }
                case IGNORE -> {
                    return;
                }
                case REPLACE -> { }
            }
        }
        map.put(bk, vb);
        dirty = true;
    }

    /** Deletes one entry (dict_db_delete); true when the key was there. */
    public boolean delete(String key) {
        byte[] kb = opt.foldKey(key).getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        if (tryNul && map.remove(ByteBuffer.wrap(IndexedTable.withNul(kb))) != null) {
            tryPlain = false;
            found = true;
        }
        if (!found && tryPlain && map.remove(ByteBuffer.wrap(kb)) != null) {
            tryNul = false;
            found = true;
        }
        dirty |= found;
        return found;
    }

    public int size() {
        return map.size();
    }

    /** Writes the table if anything changed. {@code owner} = {uid, gid} or null. */
    public void commit(Set<PosixFilePermission> perms, int[] owner) throws IOException {
        if (!dirty && Files.exists(file)) return;
        List<Map.Entry<byte[], byte[]>> sorted = new ArrayList<>(map.size());
        map.forEach((k, v) -> sorted.add(Map.entry(k.array(), v)));
        sorted.sort((a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
        DbWriter.write(file, sorted, perms, owner);
        dirty = false;
    }
}
