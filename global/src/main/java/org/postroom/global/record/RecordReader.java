package org.postroom.global.record;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads records: one type byte, a base-128 little-endian length, then the data (rec_get). Every read takes
 * a size limit; the offset of each record's type byte is tracked so delivery agents can mark recipients done.
 * Any malformed input (unknown type, bad or oversized length, premature end) is a {@link RecordException};
 * the data of a record is read as it arrives, so a length field alone never makes it allocate.
 */
public final class RecordReader {
    /** The longest record even without a size limit (rec_get: "illegal length"): what one array can hold. */
    static final int MAX_LENGTH = Integer.MAX_VALUE - 8;
    private final InputStream in;
    private long offset;

    public RecordReader(InputStream in) {
        this(in, 0);
    }

    public RecordReader(InputStream in, long startOffset) {
        this.in = in;
        this.offset = startOffset;
    }

    public long offset() {
        return offset;
    }

    /** The next record, or null at a clean end of input. */
    public Record next(int maxSize) throws IOException {
        int t = in.read();
        if (t < 0) return null;
        long at = offset++;
        RecordType type = RecordType.of(t);
        if (type == null) throw new RecordException("unknown record type " + t + " at offset " + at);
        long len = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.read();
            if (b < 0) throw new RecordException("premature end of record length at offset " + at);
            offset++;
            if (shift > 28) throw new RecordException("bad record length at offset " + at);
            len |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) break;
        }
        if (maxSize > 0 && len > maxSize) throw new RecordException("record too large (" + len + " > " + maxSize + ") at offset " + at);
        if (len > MAX_LENGTH) throw new RecordException("illegal record length " + len + " at offset " + at);
        byte[] data = in.readNBytes((int) len);
        if (data.length != len) throw new RecordException("premature end of record data at offset " + at);
        offset += len;
        return new Record(type, data, at);
    }
}
