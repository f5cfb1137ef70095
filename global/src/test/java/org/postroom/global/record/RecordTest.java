package org.postroom.global.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class RecordTest {
    /** An input stream that hands out at most one byte per read, to exercise every split. */
    static InputStream trickle(byte[] data) {
        return new InputStream() {
            int pos;

            @Override
            public int read() {
                return pos < data.length ? data[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= data.length) return -1;
                if (len == 0) return 0;
                b[off] = data[pos++];
                return 1;
            }
        };
    }

    @Test
    void roundTripWithOffsetsAndVarintLengths() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordWriter w = new RecordWriter(out);
        long o1 = w.put(RecordType.FROM, "alice@example.org");
        long o2 = w.put(RecordType.NORM, "y".repeat(300)); // two-byte length
        long o3 = w.put(RecordType.NORM, "z".repeat(20000)); // three-byte length
        long o4 = w.put(RecordType.END, new byte[0]);
        byte[] bytes = out.toByteArray();
        assertEquals(0, o1);
        assertEquals(1 + 1 + 17, o2);
        assertEquals(o2 + 1 + 2 + 300, o3);
        assertEquals(o3 + 1 + 3 + 20000, o4);
        for (InputStream in : new InputStream[] {new ByteArrayInputStream(bytes), trickle(bytes)}) {
            RecordReader r = new RecordReader(in);
            Record a = r.next(0);
            assertEquals(RecordType.FROM, a.type());
            assertEquals("alice@example.org", a.text());
            assertEquals(o2, r.next(0).offset());
            Record c = r.next(0);
            assertEquals(20000, c.data().length);
            assertEquals(o3, c.offset());
            assertEquals(RecordType.END, r.next(0).type());
            assertNull(r.next(0));
        }
    }

    @Test
    void observedPostfixEncoding() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new RecordWriter(out).put(RecordType.NORM, "x".repeat(130));
        byte[] b = out.toByteArray();
        assertArrayEquals(new byte[] {'N', (byte) 0x82, 0x01}, java.util.Arrays.copyOf(b, 3), "130 = 0x82 0x01 little-endian base 128");
    }

    @Test
    void limitsAndDamage() {
        byte[] big = {'N', (byte) 0x90, 0x4e}; // 10000
        assertThrows(RecordException.class, () -> new RecordReader(new ByteArrayInputStream(big)).next(100));
        assertThrows(RecordException.class, () -> new RecordReader(new ByteArrayInputStream(new byte[] {'?', 0})).next(0));
        assertThrows(RecordException.class, () -> new RecordReader(new ByteArrayInputStream(new byte[] {'N', 5, 'a'})).next(0));
        // found by fuzzing: lengths of 2^31 and more, unlimited (postcat), were cast to a negative int
        for (byte[] huge : new byte[][] {{'N', (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 'a'},
                {'N', (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}, {'N', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}}) {
            assertThrows(RecordException.class, () -> new RecordReader(new ByteArrayInputStream(huge)).next(0));
        }
    }
}
