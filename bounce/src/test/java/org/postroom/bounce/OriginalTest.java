package org.postroom.bounce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Original: the envelope of Postfix's own queue files (captures/orig), and the bounded content copy. */
class OriginalTest {
    static final Path ORIG = NoticeWriterTest.CAPTURES.resolve("orig");

    static List<String> copy(Original o, boolean headersOnly, long max) throws IOException {
        List<String> l = new ArrayList<>();
        o.copy(headersOnly, max, (b, off, len) -> l.add(new String(b, off, len, StandardCharsets.UTF_8)));
        return l;
    }

    @Test
    void envelopeOfAPostfixQueueFile() throws IOException {
        Original o = NoticeWriterTest.open(ORIG.resolve("c-ret-hdrs.qf"));
        assertEquals("B1D99222027", o.queueId());
        assertEquals(Optional.of("sender@remote.example"), o.sender());
        assertEquals(1796302405L, o.arrivalTime());
        assertEquals(389, o.messageSize());
        assertEquals("env-123", o.envelopeId());
        assertEquals(Original.RET_HDRS, o.dsnRet());
        assertEquals("", o.encoding());
        assertEquals(0, o.sendopts());
        assertTrue(o.hasContent());
    }

    @Test
    void smtputf8Bits() throws IOException {
        Original o = NoticeWriterTest.open(ORIG.resolve("i-smtputf8.qf"));
        assertEquals(7, o.sendopts());
        assertEquals("8bit", o.encoding());
        assertEquals(Optional.of("s\u00e9nder@remote.example"), o.sender());
    }

    @Test
    void nullSender() throws IOException {
        assertEquals(Optional.of(""), NoticeWriterTest.open(ORIG.resolve("h-null-sender.qf")).sender());
    }

    @Test
    void longLinesAreJoinedAndHeadersEndAtTheBlankLine() throws IOException {
        Original o = NoticeWriterTest.open(ORIG.resolve("k-long-line.qf"));
        List<String> all = copy(o, false, 0);
        assertTrue(all.contains("x".repeat(3000)));
        List<String> headers = copy(o, true, 0);
        assertEquals("Date: Thu,  3 Dec 2026 12:53:25 +0000 (UTC)", headers.get(headers.size() - 1));
        assertTrue(headers.get(1).startsWith("\tby mail.example.com"), "continuation lines are headers");
    }

    @Test
    void theCopyStopsBeforeTheLineThatWouldPassTheLimit() throws IOException {
        Original o = NoticeWriterTest.open(ORIG.resolve("k-long-line.qf"));
        List<String> l = copy(o, false, 1000);
        assertFalse(l.isEmpty());
        assertTrue(l.stream().mapToInt(String::length).sum() <= 1000);
        assertFalse(l.contains("x".repeat(3000)));
    }

    @Test
    void messageIdForThreading() throws IOException {
        assertEquals(Optional.of("<A-local-unknown@remote.example>"),
                NoticeWriterTest.open(ORIG.resolve("a-local-unknown.qf")).messageId(1 << 20));
    }

    @Test
    void aFileWithoutContentHasNone(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("X");
        java.nio.file.Files.write(f, new byte[] {'T', 3, '1', '2', '3', 'S', 1, 'a', 'Q'});
        Original o = Original.open(f, "XQ", 0);
        assertTrue(o.available());
        assertFalse(o.hasContent());
        assertEquals(Optional.of("a"), o.sender());
        assertEquals(123, o.arrivalTime());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "'Subject: x'|true", "'\tfolded'|true", "' folded'|true", "'X-Long-Name :x'|true", "''|false", "'body'|false",
        "': no label'|false", "'two words: x'|false", "'caf\u00e9: x'|false", "'--boundary--'|false",
    })
    void isHeader(String line, boolean header) {
        assertEquals(header, Original.isHeader(line.getBytes(StandardCharsets.UTF_8)));
    }
}
