package org.postroom.global.table;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Writes a {@link DbFile}: into a temporary file in the target's directory, fsynced, then renamed over the
 * target, so readers never see a partial table.
 */
public final class DbWriter {
    private DbWriter() {}

    /** An empty map ordered as the file orders keys (unsigned bytes). */
    public static SortedMap<byte[], byte[]> newMap() {
        return new TreeMap<>(Arrays::compareUnsigned);
    }

    /**
     * Writes {@code entries} to {@code target} with mode {@code perms}; {@code owner} (uid, gid) is applied
     * when not null (postmap running as root takes the source file's owner).
     */
    public static void write(Path target, SortedMap<byte[], byte[]> entries, Set<PosixFilePermission> perms, int[] owner)
            throws IOException {
        write(target, entries.entrySet(), perms, owner);
    }

    /** Writes entries that are already in key order (unsigned bytes, no duplicates). */
    public static void write(Path target, java.util.Collection<? extends Map.Entry<byte[], byte[]>> entries,
                             Set<PosixFilePermission> perms, int[] owner) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        boolean done = false;
        try {
            writeTo(tmp, entries);
            if (owner != null) {
                Files.setAttribute(tmp, "unix:uid", owner[0]);
                Files.setAttribute(tmp, "unix:gid", owner[1]);
            }
            Files.setPosixFilePermissions(tmp, perms);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    private static void writeTo(Path file, java.util.Collection<? extends Map.Entry<byte[], byte[]>> entries) throws IOException {
        int n = entries.size();
        long slots = 2;
        while (slots < 2L * n) slots <<= 1;
        if (slots > Integer.MAX_VALUE) throw new IOException("table too large: " + n + " entries");
        long[] index = new long[(int) slots];
        long dataLen = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.position(DbFile.HEADER);
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            ByteBuffer lens = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<byte[], byte[]> e : entries) {
                byte[] k = e.getKey();
                byte[] v = e.getValue();
                long h = DbFile.hash(k);
                if (dataLen + 1 > DbFile.OFFSET_MASK) throw new IOException("table too large");
                long slot = (h >>> 40) << 40 | (dataLen + 1);
                int i = (int) (h & (slots - 1));
                while (index[i] != 0) i = (int) ((i + 1) & (slots - 1));
                index[i] = slot;
                lens.clear();
                lens.putInt(k.length).putInt(v.length);
                out.write(lens.array());
                out.write(k);
                out.write(v);
                dataLen += 8L + k.length + v.length;
            }
            ByteBuffer ib = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (long s : index) {
                if (!ib.hasRemaining()) {
                    out.write(ib.array(), 0, ib.position());
                    ib.clear();
                }
                ib.putLong(s);
            }
            out.write(ib.array(), 0, ib.position());
            out.flush();
            ByteBuffer head = ByteBuffer.allocate(DbFile.HEADER).order(ByteOrder.LITTLE_ENDIAN);
            head.put(DbFile.MAGIC).putInt(DbFile.VERSION).putInt(0).putLong(n).putLong(slots)
                    .putLong(DbFile.HEADER + dataLen).putLong(DbFile.HEADER).putLong(dataLen);
            CRC32C crc = new CRC32C();
            crc.update(head.array(), 0, 56);
            head.putInt((int) crc.getValue()).putInt(0);
            head.flip();
            ch.write(head, 0);
            ch.force(true);
        }
    }
}
