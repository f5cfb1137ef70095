package org.postroom.global.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the queue-file record reader. {@link #arbitraryBytes}: any byte string, read once with a size
 * limit and once without (as postcat reads), either gives records or ends in a {@link RecordException};
 * no other exception, and no allocation from a length field beyond the bytes that are there.
 * {@link #writeThenRead}: records written by {@link RecordWriter} read back with the same types, data
 * and offsets. Seeds are queue files as smtpd writes them to cleanup and as cleanup writes them.
 */
class RecordReaderFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void arbitraryBytes(byte[] input) {
        for (int limit : new int[] {0, 4096}) {
            RecordReader r = new RecordReader(new ByteArrayInputStream(input), 7);
            long total = 0;
            try {
                for (Record rec = r.next(limit); rec != null; rec = r.next(limit)) {
                    assertTrue(limit == 0 || rec.data().length <= limit, "record over the limit");
                    total += rec.data().length;
                    assertTrue(r.offset() <= 7 + input.length, "offset past the input");
                }
                assertEquals(7 + input.length, r.offset(), "records did not cover the input");
            } catch (RecordException e) {
                assertTrue(e.getMessage() != null && e.getMessage().contains("offset"), "no offset in: " + e.getMessage());
            } catch (IOException e) {
                throw new AssertionError("not a RecordException: " + e, e);
            }
            assertTrue(total <= input.length);
        }
    }

    private static final RecordType[] TYPES = java.util.Arrays.stream(RecordType.values())
            .filter(t -> t != RecordType.FILT).toArray(RecordType[]::new); // 'L' reads back as CONT

    @FuzzTest(maxDuration = "5m")
    void writeThenRead(FuzzedDataProvider data) throws IOException {
        List<RecordType> types = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordWriter w = new RecordWriter(out, 3);
        while (data.remainingBytes() > 0 && types.size() < 100) {
            RecordType t = data.pickValue(TYPES);
            byte[] p = data.consumeBytes(data.consumeInt(0, 70000));
            types.add(t);
            payloads.add(p);
            offsets.add(w.put(t, p));
        }
        assertEquals(3 + out.size(), w.offset());
        RecordReader r = new RecordReader(new ByteArrayInputStream(out.toByteArray()), 3);
        for (int i = 0; i < types.size(); i++) {
            Record rec = r.next(70000);
            assertEquals(types.get(i), rec.type());
            assertArrayEquals(payloads.get(i), rec.data());
            assertEquals(offsets.get(i), rec.offset());
        }
        assertNull(r.next(70000));
        assertEquals(w.offset(), r.offset());
    }
}
