package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The line reader and the DATA decoder, each case also fed through every single-byte split. */
class LineReaderTest {
    private static final int LIMIT = 8;

    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of("crlf", "HELO x\r\nQUIT\r\n", List.of("HELO x|CRLF", "QUIT|CRLF", "|EOF")),
                Arguments.of("bare LF is a line end", "HELO x\nQUIT\r\n", List.of("HELO x|LF", "QUIT|CRLF", "|EOF")),
                Arguments.of("stray CR is data", "a\rb\r\r\n", List.of("a\rb\r|CRLF", "|EOF")),
                Arguments.of("CR at the very end", "ab\r", List.of("ab\r|EOF")),
                Arguments.of("empty lines", "\r\n\n", List.of("|CRLF", "|LF", "|EOF")),
                Arguments.of("exactly the limit", "12345678\r\n", List.of("12345678|CRLF", "|EOF")),
                Arguments.of("one over the limit", "123456789\r\n", List.of("12345678|MORE", "9|CRLF", "|EOF")),
                Arguments.of("long line", "1234567812345678abc\n", List.of("12345678|MORE", "12345678|MORE", "abc|LF", "|EOF")),
                Arguments.of("CR at the limit", "12345678\rx\r\n", List.of("12345678|MORE", "\rx|CRLF", "|EOF")),
                Arguments.of("unterminated", "QUIT", List.of("QUIT|EOF")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void readsLines(String label, String input, List<String> expected) throws IOException {
        byte[] data = input.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(expected, readAll(new ByteArrayInputStream(data)), label);
        assertEquals(expected, readAll(SplitInput.bytewise(data)), label + " (bytewise)");
        for (int cut = 1; cut < data.length; cut++) {
            assertEquals(expected, readAll(new SplitInput(data, cut)), label + " (split at " + cut + ")");
        }
    }

    private static List<String> readAll(InputStream in) throws IOException {
        LineReader r = new LineReader(in, in::available, LIMIT, willBlock -> { });
        List<String> out = new ArrayList<>();
        while (true) {
            Line l = r.next();
            out.add(new String(l.bytes(), StandardCharsets.ISO_8859_1) + "|" + l.end());
            if (l.end() == Line.End.EOF) return out;
        }
    }

    static Stream<Arguments> data() {
        return Stream.of(
                Arguments.of("dot-unstuffing", BareNewline.NORMALIZE, "a\r\n..b\r\n.c\r\n.\r\nNEXT", List.of("a", ".b", "c"), "NEXT"),
                Arguments.of("empty message", BareNewline.NORMALIZE, ".\r\nNEXT", List.of(), "NEXT"),
                Arguments.of("smuggling is content with normalize", BareNewline.NORMALIZE,
                        "line\n.\nMAIL\r\n.\r\nNEXT", List.of("line", "MAIL"), "NEXT"),
                Arguments.of("LF before a CRLF-ended dot does not end the data (CVE-2023-51764)", BareNewline.NORMALIZE,
                        "a\n.\r\nb\r\n.\r\nNEXT", List.of("a", "b"), "NEXT"),
                Arguments.of("smuggling ends the data with no", BareNewline.NO,
                        "line\n.\nMAIL\n", List.of("line"), "MAIL"),
                Arguments.of("reject mode ends like normalize", BareNewline.REJECT, "x\n.\ny\r\n.\r\nNEXT",
                        List.of("x", "y"), "NEXT"),
                Arguments.of("a long line's pieces are not dot-checked", BareNewline.NORMALIZE,
                        "12345678.\r\n.\r\nNEXT", List.of("12345678+", "."), "NEXT"),
                Arguments.of("long dotted line", BareNewline.NORMALIZE, "..23456789\r\n.\r\nNEXT",
                        List.of(".234567+", "89"), "NEXT"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("data")
    void decodesData(String label, BareNewline mode, String input, List<String> content, String after) throws IOException {
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(content, decodeAll(new ByteArrayInputStream(bytes), mode, after), label);
        assertEquals(content, decodeAll(SplitInput.bytewise(bytes), mode, after), label + " (bytewise)");
        for (int cut = 1; cut < bytes.length; cut++) {
            assertEquals(content, decodeAll(new SplitInput(bytes, cut), mode, after), label + " (split at " + cut + ")");
        }
    }

    /** Content lines up to the end of data ("+" marks a piece that continues); then checks the next line. */
    private static List<String> decodeAll(InputStream in, BareNewline mode, String after) throws IOException {
        LineReader r = new LineReader(in, in::available, LIMIT, willBlock -> { });
        DataDecoder d = new DataDecoder(mode);
        List<String> out = new ArrayList<>();
        while (true) {
            Line l = r.next();
            assertFalse(l.end() == Line.End.EOF, "data did not end: " + out);
            DataDecoder.Item item = d.decode(l);
            if (item instanceof DataDecoder.Item.Text(byte[] b, boolean complete)) {
                out.add(new String(b, StandardCharsets.ISO_8859_1) + (complete ? "" : "+"));
            } else if (item instanceof DataDecoder.Item.End) {
                Line next = r.next();
                assertEquals(after, new String(next.bytes(), StandardCharsets.ISO_8859_1));
                return out;
            }
        }
    }

    @Test
    void skipsTheRestOfALongCommand() throws IOException {
        byte[] in = "NOOP 0123456789012345678901234567890\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII);
        LineReader r = new LineReader(new ByteArrayInputStream(in), () -> 0, LIMIT, willBlock -> { });
        assertEquals(Line.End.MORE, r.next().end());
        assertTrue(r.skipRestOfLine());
        assertEquals("QUIT", r.next().text());
    }

    @Test
    void rawOctetsFollowTheCommandLine() throws IOException {
        byte[] in = "BDAT 5\r\nab\r\n.QUIT\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int cut = 1; cut < in.length; cut++) {
            InputStream s = new SplitInput(in, cut);
            LineReader r = new LineReader(s, s::available, LIMIT, willBlock -> { });
            assertEquals("BDAT 5", r.next().text());
            byte[] got = new byte[5];
            int n = 0;
            while (n < 5) n += r.readRaw(got, n, 5 - n);
            assertArrayEquals("ab\r\n.".getBytes(StandardCharsets.US_ASCII), got);
            assertEquals("QUIT", r.next().text());
        }
    }

    @Test
    void peeksAtPipelinedInputAndFlushesOnlyBeforeBlocking() throws IOException {
        byte[] in = "EHLO x\r\nMAIL FROM:<a@b>\r\n".getBytes(StandardCharsets.US_ASCII);
        List<Boolean> blocking = new ArrayList<>();
        InputStream s = new SplitInput(in, 8);
        LineReader r = new LineReader(s, s::available, 64, blocking::add);
        assertEquals("EHLO x", r.next().text());
        assertEquals(0, r.pending());
        assertEquals("MAIL FROM:<a@b>", r.next().text());
        assertEquals(List.of(true, true), blocking);
        InputStream both = new ByteArrayInputStream(in);
        LineReader r2 = new LineReader(both, both::available, 64, w -> { });
        assertEquals("EHLO x", r2.next().text());
        assertTrue(r2.pending() > 0);
        assertEquals("MAIL FROM:<a@b>\r\n", new String(r2.peek(100), StandardCharsets.US_ASCII));
    }
}
