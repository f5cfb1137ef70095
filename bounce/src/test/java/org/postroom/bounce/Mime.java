package org.postroom.bounce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The structure every notice must keep, whatever its input: three parts, and no other line starting with the boundary. */
final class Mime {
    private Mime() {}

    static void checkStructure(List<byte[]> lines) {
        String boundary = null;
        int delimiters = 0;
        boolean closed = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = new String(lines.get(i), StandardCharsets.ISO_8859_1);
            assertTrue(l.indexOf('\n') < 0 && l.indexOf('\r') < 0, "CR or LF in line " + i + ": " + l);
            if (boundary == null && l.startsWith("\tboundary=\"")) boundary = l.substring(11, l.length() - 1);
            if (boundary == null || !l.startsWith("--" + boundary)) continue;
            if (closed) fail("line after the closing boundary: " + l);
            if (l.equals("--" + boundary)) delimiters++;
            else if (l.equals("--" + boundary + "--")) closed = true;
            else fail("line " + i + " starts with the boundary: " + l);
        }
        assertEquals(3, delimiters, "part delimiters");
        assertTrue(closed, "closing boundary");
        assertEquals("--" + boundary + "--", new String(lines.get(lines.size() - 1), StandardCharsets.ISO_8859_1));
    }

    static void checkStructureText(List<String> lines) {
        checkStructure(lines.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList());
    }
}
