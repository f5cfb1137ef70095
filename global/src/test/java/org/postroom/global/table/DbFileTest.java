package org.postroom.global.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The indexed table file: round trips, key order, damaged files, NUL forms, atomic rebuilds. */
class DbFileTest {
    @TempDir Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0} entries")
    @ValueSource(ints = {0, 1, 2, 3, 100, 20_000})
    void roundTrip(int n) throws IOException {
        SortedMap<byte[], byte[]> m = DbWriter.newMap();
        for (int i = 0; i < n; i++) m.put(b("key" + i), b("value " + i));
        Path f = dir.resolve("t.db");
        DbWriter.write(f, m, PosixFilePermissions.fromString("rw-r-----"), null);
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        try (DbFile db = DbFile.open(f)) {
            assertEquals(n, db.size());
            for (int i = 0; i < n; i++) assertArrayEquals(b("value " + i), db.get(b("key" + i)));
            assertNull(db.get(b("key" + n)));
            assertNull(db.get(b("")));
            List<String> keys = new ArrayList<>();
            db.forEach((k, v) -> keys.add(new String(k, StandardCharsets.UTF_8)));
            assertEquals(m.keySet().stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList(), keys);
        }
    }

    @Test
    void unsignedByteOrderAsBtree() throws IOException {
        SortedMap<byte[], byte[]> m = DbWriter.newMap();
        for (String k : List.of("b", "a\0", "ab\0", "é", "A", "a.b\0")) m.put(b(k), b("v"));
        Path f = dir.resolve("o.db");
        DbWriter.write(f, m, PosixFilePermissions.fromString("rw-r--r--"), null);
        List<String> keys = new ArrayList<>();
        try (DbFile db = DbFile.open(f)) {
            db.forEach((k, v) -> keys.add(IndexedTable.string(k)));
        }
        assertEquals(List.of("A", "a", "a.b", "ab", "b", "é"), keys);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"empty", "short", "magic", "truncated", "checksum"})
    void damagedFilesAreRejected(String how) throws IOException {
        SortedMap<byte[], byte[]> m = DbWriter.newMap();
        m.put(b("k"), b("v"));
        Path f = dir.resolve("d.db");
        DbWriter.write(f, m, PosixFilePermissions.fromString("rw-r--r--"), null);
        byte[] data = Files.readAllBytes(f);
        switch (how) {
            case "empty" -> data = new byte[0];
            case "short" -> data = java.util.Arrays.copyOf(data, 40);
            case "magic" -> data[0] = 'X';
            case "truncated" -> data = java.util.Arrays.copyOf(data, data.length - 8);
            default -> data[20] ^= 1;
        }
        Files.write(f, data);
        assertThrows(IOException.class, () -> DbFile.open(f).close());
        assertThrows(NoSuchFileException.class, () -> DbFile.open(dir.resolve("none.db")));
    }

    @Test
    void nulFormsAndChangeDetection() throws IOException {
        String name = dir.resolve("n").toString();
        TableOptions plain = TableOptions.DEFAULT.withWarn(w -> { }).withNul(false, true);
        DbBuilder db = DbBuilder.create(name, plain);
        db.put("Plain", "1");
        db.commit(PosixFilePermissions.fromString("rw-r--r--"), null);
        TableOptions withNul = TableOptions.DEFAULT.withWarn(w -> { }).withNul(true, false);
        try (Table t = IndexedTable.open("hash", name, withNul)) {
            assertEquals(Optional.empty(), t.lookup("plain"));
        }
        try (IndexedTable t = IndexedTable.open("hash", name, TableOptions.DEFAULT.withWarn(w -> { }))) {
            assertEquals(Optional.of("1"), t.lookup("PLAIN"));
            assertFalse(t.changed());
            DbBuilder up = DbBuilder.update(name, TableOptions.DEFAULT.withWarn(w -> { }), false);
            up.put("other", "2");
            up.commit(PosixFilePermissions.fromString("rw-r--r--"), null);
            assertTrue(t.changed());
            assertEquals(Optional.of("1"), t.lookup("plain"), "the old mapping stays readable");
        }
        try (IndexedTable t = IndexedTable.open("hash", name, TableOptions.DEFAULT)) {
            assertEquals(Optional.of("2"), t.lookup("other"));
            assertEquals(List.of(new ListableTable.Entry("other", "2"), new ListableTable.Entry("plain", "1")), t.entries());
        }
        TableException e = assertThrows(TableException.class, () -> IndexedTable.open("hash", dir + "/missing", TableOptions.DEFAULT));
        assertEquals("open database " + dir + "/missing.db: No such file or directory", e.getMessage());
    }

    @Test
    void duplicatesWarnIgnoreOrReplace() throws IOException {
        List<String> warnings = new ArrayList<>();
        String name = dir.resolve("dup").toString();
        for (TableOptions.Duplicates d : TableOptions.Duplicates.values()) {
            DbBuilder db = DbBuilder.create(name, TableOptions.DEFAULT.withDuplicates(d).withWarn(warnings::add));
            db.put("K", "first");
            db.put("k", "second");
            db.commit(PosixFilePermissions.fromString("rw-r--r--"), null);
            try (Table t = IndexedTable.open("hash", name, TableOptions.DEFAULT)) {
                assertEquals(Optional.of(d == TableOptions.Duplicates.REPLACE ? "second" : "first"), t.lookup("k"));
            }
        }
        assertEquals(List.of(name + ".db: duplicate entry: \"k\""), warnings);
    }
}
