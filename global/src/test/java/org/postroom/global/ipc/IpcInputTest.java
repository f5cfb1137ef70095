package org.postroom.global.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** IpcInput's attribute strings across buffer refills, its limits, and raw reads between them. */
class IpcInputTest {
    private static IpcInput input(String s, int size) {
        return new IpcInput(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), size);
    }

    @Test
    void stringsAcrossRefillsAndRawReadsInBetween() throws IOException {
        // a 4-byte buffer: "queue_name" spans three refills, "é" is split between two
        IpcInput in = input("queue_name\0déféré\0\0raw", 4);
        assertEquals("queue_name", in.readNulTerminated(100, true));
        assertEquals("déféré", in.readNulTerminated(100, false));
        assertEquals("", in.readNulTerminated(100, true));
        assertEquals('r', in.read());
        byte[] b = new byte[10];
        assertEquals(2, in.readNBytes(b, 0, 10));
        assertEquals(-1, in.read());
    }

    @Test
    void attrReaderGivesTheSameListsAsOverAPlainStream() throws IOException {
        String wire = "protocol\0mail_queue_list_protocol\0\0queue_id\0ABC\0size\u0000123\0\0";
        for (int size : new int[] {1, 3, 7, 64}) {
            AttrReader fast = new AttrReader(input(wire, size), 100, 10);
            AttrReader slow = new AttrReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)), 100, 10);
            for (int i = 0; i < 2; i++) assertEquals(slow.read().entries(), fast.read().entries());
            assertThrows(EOFException.class, fast::read);
        }
    }

    @Test
    void limitsAndTruncation() {
        assertEquals("attribute string too long",
                assertThrows(ProtocolException.class, () -> input("abcdef\0", 2).readNulTerminated(5, true)).getMessage());
        assertEquals("premature end of attribute list",
                assertThrows(ProtocolException.class, () -> input("abc", 2).readNulTerminated(5, true)).getMessage());
        assertThrows(EOFException.class, () -> input("", 2).readNulTerminated(5, true));
        assertEquals("premature end of attribute list",
                assertThrows(ProtocolException.class, () -> input("", 2).readNulTerminated(5, false)).getMessage());
    }
}
