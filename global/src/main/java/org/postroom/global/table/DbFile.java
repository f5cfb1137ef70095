package org.postroom.global.table;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;

/**
 * Postroom's indexed table file, the {@code name.db} that {@code postmap hash:name} and
 * {@code postmap btree:name} write (one format for both types). Read-only and memory-mapped; a file is
 * never changed in place: {@link DbWriter} writes a new one beside it and renames it over the old one, so
 * a reader sees either the old or the new file, never half of one.
 *
 * <pre>
 * All integers little-endian.
 * Header, 64 bytes:
 *    0  8  magic  "PRTBL\r\n\032"
 *    8  4  version (1)
 *   12  4  flags (0; readers reject unknown bits)
 *   16  8  entry count N
 *   24  8  slot count S (a power of two, at least 2N)
 *   32  8  index offset I (= 64 + data length)
 *   40  8  data offset (64)
 *   48  8  data length
 *   56  4  CRC-32C of bytes 0..55
 *   60  4  zero
 * Data: N records in ascending unsigned byte order of key, packed, no padding:
 *        u32 key length, u32 value length, key bytes, value bytes
 * Index at I: S slots of u64; 0 = empty, else (hash &gt;&gt;&gt; 40) &lt;&lt; 40 | (record offset from the
 *        data start + 1). hash = 64-bit FNV-1a of the key bytes; a key's home slot is hash &amp; (S - 1),
 *        collisions probe linearly. The file ends at I + 8S.
 * </pre>
 * Keys are stored as given: folded to lower case unless built with -f, and with a terminating NUL byte
 * when built with -N (the default, as on Linux) and without one with -n, so that Postfix's
 * try-with-and-without-NUL lookup rules apply unchanged. Values carry no NUL. Sorted records make
 * {@code postmap -s} print in key order, which is btree order. Limits: 2^40 bytes of data, 2^32-1 bytes
 * per key or value.
 */
public final class DbFile implements AutoCloseable {
    static final byte[] MAGIC = {'P', 'R', 'T', 'B', 'L', '\r', '\n', 0x1a};
    static final int VERSION = 1;
    static final int HEADER = 64;
    static final long OFFSET_MASK = (1L << 40) - 1;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena;
    private final MemorySegment seg;
    private final long count;
    private final long slots;
    private final long index;
    private final long dataLen;

    private DbFile(Arena arena, MemorySegment seg, long count, long slots, long index, long dataLen) {
        this.arena = arena;
        this.seg = seg;
        this.count = count;
        this.slots = slots;
        this.index = index;
        this.dataLen = dataLen;
    }

    /** Maps {@code file}; a missing file gives NoSuchFileException, a damaged one an IOException. */
    public static DbFile open(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER) throw new IOException(file + ": not a Postroom table file (too short)");
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            byte[] head = seg.asSlice(0, HEADER).toArray(ValueLayout.JAVA_BYTE);
            for (int i = 0; i < MAGIC.length; i++) {
                if (head[i] != MAGIC[i]) throw new IOException(file + ": not a Postroom table file (bad magic)");
            }
            CRC32C crc = new CRC32C();
            crc.update(head, 0, 56);
            if ((int) crc.getValue() != seg.get(U32, 56)) throw new IOException(file + ": table file header checksum mismatch");
            int version = seg.get(U32, 8);
            if (version != VERSION || seg.get(U32, 12) != 0) {
                throw new IOException(file + ": unsupported table file version " + version);
            }
            long count = seg.get(U64, 16);
            long slots = seg.get(U64, 24);
            long index = seg.get(U64, 32);
            long dataLen = seg.get(U64, 48);
            if (Long.bitCount(slots) != 1 || index != HEADER + dataLen || size != index + 8 * slots || slots < count) {
                throw new IOException(file + ": table file is truncated or damaged");
            }
            DbFile f = new DbFile(arena, seg, count, slots, index, dataLen);
            arena = null;
            return f;
        } finally {
            if (arena != null) arena.close();
        }
    }

    public long size() {
        return count;
    }

    /** The value stored under exactly these key bytes, or null. */
    public byte[] get(byte[] key) {
        long h = hash(key);
        long tag = h >>> 40;
        long mask = slots - 1;
        MemorySegment k = MemorySegment.ofArray(key);
        for (long i = h & mask, n = 0; n < slots; i = (i + 1) & mask, n++) {
            long s = seg.get(U64, index + 8 * i);
            if (s == 0) return null;
            if ((s >>> 40) != tag) continue;
            long rec = HEADER + (s & OFFSET_MASK) - 1;
            int klen = seg.get(U32, rec);
            if (klen != key.length) continue;
            if (MemorySegment.mismatch(seg, rec + 8, rec + 8 + klen, k, 0, klen) == -1) {
                int vlen = seg.get(U32, rec + 4);
                return seg.asSlice(rec + 8 + klen, vlen).toArray(ValueLayout.JAVA_BYTE);
            }
        }
        return null;
    }

    /** Every record in key order. */
    public void forEach(BiConsumer<byte[], byte[]> action) {
        long p = HEADER;
        long end = HEADER + dataLen;
        while (p < end) {
            int klen = seg.get(U32, p);
            int vlen = seg.get(U32, p + 4);
            byte[] k = seg.asSlice(p + 8, klen).toArray(ValueLayout.JAVA_BYTE);
            byte[] v = seg.asSlice(p + 8 + klen, vlen).toArray(ValueLayout.JAVA_BYTE);
            action.accept(k, v);
            p += 8L + klen + vlen;
        }
    }

    /** 64-bit FNV-1a. */
    static long hash(byte[] key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    @Override
    public void close() {
        arena.close();
    }
}
