package org.postroom.global.record;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes records (rec_put) and tracks the offset of each record written. */
public final class RecordWriter {
    private final OutputStream out;
    private long offset;

    public RecordWriter(OutputStream out) {
        this(out, 0);
    }

    public RecordWriter(OutputStream out, long startOffset) {
        this.out = out;
        this.offset = startOffset;
    }

    public long offset() {
        return offset;
    }

    /** Writes one record and returns the offset of its type byte. */
    public long put(RecordType type, byte[] data, int off, int len) throws IOException {
        long at = offset;
        out.write(type.code);
        int n = len;
        int hdr = 1;
        do {
            int b = n & 0x7f;
            n >>>= 7;
            out.write(n != 0 ? b | 0x80 : b);
            hdr++;
        } while (n != 0);
        out.write(data, off, len);
        offset += hdr + len;
        return at;
    }

    public long put(RecordType type, byte[] data) throws IOException {
        return put(type, data, 0, data.length);
    }

    public long put(RecordType type, String text) throws IOException {
        return put(type, text.getBytes(StandardCharsets.UTF_8));
    }

    /** An attribute record "name=value". */
    public long attr(String name, String value) throws IOException {
        return put(RecordType.ATTR, name + "=" + value);
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** One content line: as CONT records of {@code piece} bytes while it is longer, then a NORM record. */
    public void putLine(byte[] data, int off, int len, int piece) throws IOException {
        int at = off;
        for (; off + len - at > piece; at += piece) put(RecordType.CONT, data, at, piece);
        put(RecordType.NORM, data, at, off + len - at);
    }
}
