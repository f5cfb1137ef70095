package org.postroom.bounce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.bounce.BounceTemplate.Kind;
import org.postroom.global.bounce.BounceTemplates;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.proto.bounce.BounceLog;

/** NoticeWriter with hostile or broken input: the notice keeps its structure and its size bounds. */
class NoticeWriterEdgeTest {
    static final Instant NOW = Instant.ofEpochSecond(1796302408L);
    @TempDir
    Path tmp;

    static NoticeWriter writer(String mainCf) {
        MainCf cfg = MainCf.parse(Path.of("main.cf"), "myhostname = mail.example.com\n" + mainCf, Map.of(), w -> {});
        return new NoticeWriter(NoticeSettings.of(cfg, w -> {}).withZone(ZoneId.of("UTC")), BounceTemplates.defaults());
    }

    static final NoticeWriter UTF8 = writer("compatibility_level = 3.6\n");
    static final NoticeWriter ASCII = writer("compatibility_level = 3.6\nsmtputf8_enable = no\n");

    Original small(List<String> attrs) throws IOException {
        return Original.open(QueueFiles.write(tmp.resolve("QF"), "sender@remote.example", 1796302405L, attrs,
                List.of("Subject: hi", "From: a@b", "", "body")), "ORIGQ", 0);
    }

    static BounceLog.Entry entry(String rcpt, String reason) {
        return BounceLog.Entry.local(rcpt, rcpt, 100, "rfc822;" + rcpt, 0, "5.1.1", "failed", reason);
    }

    static Notice failure() {
        return Notice.toSender(Kind.FAILURE, "sender@remote.example", 0, "NEWQ", NOW);
    }

    @Test
    void crLfAndControlsInAReasonStayInTheirParagraph() throws IOException {
        String evil = "first line\r\n--ORIGQ.1796302408/mail.example.com--\r\nContent-Type: text/html\u0000\u0007 \u00e9t\u00e9 \u00ff";
        List<String> l = UTF8.lines(failure(), small(List.of()), List.of(entry("nosuch@mail.example.com", evil)));
        Mime.checkStructureText(l);
        assertTrue(l.contains("<nosuch@mail.example.com>: first line  --ORIGQ.1796302408/mail.example.com--"));
        assertTrue(l.contains("    Content-Type: text/html?? \u00e9t\u00e9 \u00ff"));
        assertTrue(l.contains("Diagnostic-Code: X-Postfix; first line  --ORIGQ.1796302408/mail.example.com--"));
        assertFalse(l.stream().anyMatch(x -> x.startsWith("Content-Type: text/html")));
    }

    @Test
    void withoutSmtputf8EightBitBecomesQuestionMarks() throws IOException {
        List<String> l = ASCII.lines(failure(), small(List.of("encoding=7bit")), List.of(entry("j\u00f6rg@mail.example.com", "caf\u00e9 closed")));
        Mime.checkStructureText(l);
        assertTrue(l.contains("<j??rg@mail.example.com>: caf?? closed"));
        assertTrue(l.contains("Final-Recipient: rfc822; j??rg@mail.example.com"));
        assertTrue(l.contains("Content-Transfer-Encoding: 7bit"), "7bit mail, 7bit template");
        assertTrue(l.contains("Content-Type: text/plain; charset=us-ascii"));
        assertTrue(l.stream().allMatch(x -> x.chars().allMatch(c -> c < 0x80)));
    }

    @Test
    void withoutSmtputf8OrEncodingThereIsNoTransferEncoding() throws IOException {
        List<String> l = ASCII.lines(failure(), small(List.of()), List.of(entry("nosuch@mail.example.com", "gone")));
        assertFalse(l.stream().anyMatch(x -> x.startsWith("Content-Transfer-Encoding")));
    }

    @Test
    void aLongReasonIsWrappedAndFolded() throws IOException {
        String reason = ("word ".repeat(60) + "x".repeat(200)).strip();
        List<String> l = UTF8.lines(failure(), small(List.of()), List.of(entry("nosuch@mail.example.com", reason)));
        int i = l.indexOf("Final-Recipient: rfc822; nosuch@mail.example.com");
        int d = i + 4;
        assertTrue(l.get(d).startsWith("Diagnostic-Code: X-Postfix; word word"));
        assertTrue(l.get(d).length() <= 79);
        assertTrue(l.get(d + 1).startsWith("    word"));
        assertEquals("    " + "x".repeat(200), l.stream().filter(x -> x.contains("xxxx")).reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void tenMegabytesAreReturnedAsHeadersOnly() throws IOException {
        byte[] line = "0123456789".repeat(100).getBytes(StandardCharsets.US_ASCII);
        int[] n = {0};
        Path qf = QueueFiles.write(tmp.resolve("BIG"), "sender@remote.example", 1796302405L, List.of(), () -> {
            int i = n[0]++;
            if (i == 0) return "Subject: big".getBytes(StandardCharsets.US_ASCII);
            if (i == 1) return new byte[0];
            return i < 10_002 ? line : null;
        }, 2048, 0);
        assertTrue(Files.size(qf) > 10_000_000);
        Original o = Original.open(qf, "BIGQ", 0);
        long[] bytes = {0};
        UTF8.write(failure(), o, List.of(entry("nosuch@mail.example.com", "gone")), (b, off, len) -> bytes[0] += len + 1);
        assertTrue(bytes[0] < 5000, "notice size " + bytes[0]);
        List<String> l = UTF8.lines(failure(), o, List.of(entry("nosuch@mail.example.com", "gone")));
        assertTrue(l.contains("Content-Description: Undelivered Message Headers"));
        assertTrue(l.contains("Subject: big"));
        Mime.checkStructureText(l);
    }

    @Test
    void aHugeHeaderIsCutAtTheHeadersLimit() throws IOException {
        byte[] huge = ("X-Huge: " + "y".repeat(3 * (int) NoticeWriter.HEADERS_LIMIT)).getBytes(StandardCharsets.US_ASCII);
        int[] n = {0};
        Path qf = QueueFiles.write(tmp.resolve("HUGE"), "sender@remote.example", 1796302405L, List.of(), () -> switch (n[0]++) {
            case 0 -> "Subject: huge".getBytes(StandardCharsets.US_ASCII);
            case 1 -> huge;
            case 2 -> "Subject: after".getBytes(StandardCharsets.US_ASCII);
            default -> null;
        }, 2048, 0);
        long[] bytes = {0};
        UTF8.write(failure(), Original.open(qf, "HUGEQ", 0), List.of(entry("nosuch@mail.example.com", "gone")), (b, off, len) -> bytes[0] += len);
        assertTrue(bytes[0] < 5000, "notice size " + bytes[0]);
    }

    @Test
    void aLineThatLooksLikeTheBoundaryGetsAnotherBoundary() throws IOException {
        String b = "ORIGQ.1796302408/mail.example.com";
        Path qf = QueueFiles.write(tmp.resolve("QF"), "sender@remote.example", 1796302405L, List.of(),
                List.of("Subject: guess", "", "--" + b, "--" + b + ".1--", "text", "--" + b + "--"));
        List<String> l = UTF8.lines(failure(), Original.open(qf, "ORIGQ", 0), List.of(entry("nosuch@mail.example.com", "gone")));
        assertTrue(l.contains("\tboundary=\"" + b + ".2\""));
        assertTrue(l.contains("--" + b + ".1--"), "the original is returned as it was");
        Mime.checkStructureText(l);
    }

    @Test
    void aMissingOriginalIsSaidToBeUnavailable() throws IOException {
        Original o = Original.open(tmp.resolve("GONE"), "GONEQ", 0);
        assertFalse(o.available());
        List<String> l = UTF8.lines(failure(), o, List.of(entry("nosuch@mail.example.com", "gone")));
        assertTrue(l.contains("\t--- Undelivered message unavailable ---"));
        assertFalse(l.stream().anyMatch(x -> x.startsWith("X-Postfix-Sender") || x.startsWith("Arrival-Date") || x.startsWith("Return-Path")));
        Mime.checkStructureText(l);
    }

    @Test
    void aTruncatedQueueFileReturnsWhatItHas() throws IOException {
        Path qf = QueueFiles.write(tmp.resolve("QF"), "sender@remote.example", 1796302405L, List.of(),
                List.of("Subject: cut", "", "line one", "line two"));
        byte[] all = Files.readAllBytes(qf);
        Files.write(qf, java.util.Arrays.copyOf(all, all.length - 16));
        List<String> l = UTF8.lines(failure(), Original.open(qf, "CUTQ", 0), List.of(entry("nosuch@mail.example.com", "gone")));
        assertTrue(l.contains("Subject: cut"));
        Mime.checkStructureText(l);
    }

    @Test
    void aMissingLogIsReportedForFailuresOnly() throws IOException {
        List<String> l = UTF8.lines(failure(), small(List.of()), List.of());
        assertTrue(l.contains("\t--- Delivery report unavailable ---"));
        Mime.checkStructureText(l);
        Notice delay = Notice.toSender(Kind.DELAY, "sender@remote.example", 0, "NEWQ", NOW);
        assertThrows(IllegalArgumentException.class, () -> UTF8.lines(delay, small(List.of()), List.of()));
    }

    @Test
    void threadedBouncesReferToTheOriginal() throws IOException {
        NoticeWriter w = writer("compatibility_level = 3.6\nenable_threaded_bounces = yes\n");
        Path qf = QueueFiles.write(tmp.resolve("QF"), "sender@remote.example", 1796302405L, List.of(),
                List.of("Subject: x", "Message-ID: <abc@remote.example>", "", "body"));
        List<String> l = w.lines(failure(), Original.open(qf, "ORIGQ", 0), List.of(entry("nosuch@mail.example.com", "gone")));
        int to = l.indexOf("To: sender@remote.example");
        assertEquals(List.of("References: <abc@remote.example>", "In-Reply-To: <abc@remote.example>", "Auto-Submitted: auto-replied"),
                l.subList(to + 1, to + 4));
    }

    @Test
    void templateFromAndRecipientAreQualified() throws IOException {
        MainCf cfg = MainCf.parse(Path.of("main.cf"), "myhostname = mail.example.com\nmyorigin = example.com\nheader_from_format = obsolete\n"
                + "enable_long_queue_ids = yes\n", Map.of(), w -> {});
        NoticeWriter w = new NoticeWriter(NoticeSettings.of(cfg, x -> {}).withZone(ZoneId.of("UTC")), BounceTemplates.defaults());
        Notice pm = Notice.toPostmaster(Kind.FAILURE, "postmaster", false, "4ZQWl42xhGz9sZD", NOW);
        List<String> l = w.lines(pm, small(List.of()), List.of(entry("nosuch@mail.example.com", "gone")));
        assertTrue(l.contains("From: MAILER-DAEMON@example.com (Mail Delivery System)"));
        assertTrue(l.contains("To: postmaster@example.com"));
        assertTrue(l.contains("Subject: Postmaster Copy: Undelivered Mail"));
        assertTrue(l.contains("Auto-Submitted: auto-generated"));
        assertTrue(l.contains("Message-Id: <4ZQWl42xhGz9sZD@mail.example.com>"));
        assertTrue(l.contains("Content-Description: Undelivered Message Headers"));
    }

    @Test
    void anUndefinedNameInATemplateFailsAtStartUp() {
        MainCf cfg = MainCf.parse(Path.of("main.cf"), "myhostname = mail.example.com\n", Map.of(), w -> {});
        BounceTemplates t = BounceTemplates.parse("bounce.cf", "delay_template = <<EOF\nWait for $nosuch.\nEOF\n", w -> {});
        ConfigException e = assertThrows(ConfigException.class, () -> new NoticeWriter(NoticeSettings.of(cfg, w -> {}), t));
        assertEquals("bounce.cf: undefined $name in delay template: Wait for $nosuch.", e.getMessage());
    }

    @Test
    void aCustomTemplateCharsetIsDeclared() throws IOException {
        MainCf cfg = MainCf.parse(Path.of("main.cf"), "myhostname = mail.example.com\ncompatibility_level = 3.6\n", Map.of(), w -> {});
        BounceTemplates t = BounceTemplates.parse("bounce.cf",
                "failure_template = <<EOF\nCharset: iso-8859-1\nFrom: Bounces <bounces>\n\nD\u00e9sol\u00e9.\nEOF\n", w -> {});
        List<String> l = new NoticeWriter(NoticeSettings.of(cfg, w -> {}), t).lines(failure(), small(List.of()),
                List.of(entry("nosuch@mail.example.com", "gone")));
        assertTrue(l.contains("Content-Type: text/plain; charset=iso-8859-1"));
        assertTrue(l.contains("From: Bounces <bounces@mail.example.com>"));
        assertTrue(l.contains("D\u00e9sol\u00e9."));
    }

    @Test
    void dsnFieldsOfStrangersAreFolded() throws IOException {
        String orcpt = "rfc822;" + "a very long original recipient ".repeat(4).strip() + "@example.net";
        BounceLog.Entry e = new BounceLog.Entry("nosuch@mail.example.com", "", 100, orcpt, 0, "5.1.1", "failed", "smtp",
                "550 " + "no ".repeat(40), "dns", "mx.example.net", "gone");
        List<String> l = new ArrayList<>(UTF8.lines(failure(), small(List.of("envelope_id=" + "E".repeat(120))), List.of(e)));
        for (String x : l) {
            if (x.startsWith("Original-Recipient") || x.startsWith("Diagnostic-Code")) assertTrue(x.length() <= 79, x);
        }
        assertTrue(l.contains("Original-Envelope-Id: " + "E".repeat(120)), "one word: not broken");
        assertTrue(l.contains("Remote-MTA: dns; mx.example.net"));
        Mime.checkStructureText(l);
    }
}
