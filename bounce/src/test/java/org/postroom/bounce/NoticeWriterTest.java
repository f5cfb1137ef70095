package org.postroom.bounce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.global.bounce.BounceTemplate.Kind;
import org.postroom.global.bounce.BounceTemplates;
import org.postroom.global.config.MainCf;
import org.postroom.global.proto.bounce.BounceLog;
import org.postroom.global.record.RecordType;

/**
 * NoticeWriter against notices Debian's Postfix 3.7.11 made (captures/README.md): each case feeds the
 * captured original queue file and the log its notice was made from (NoticeWriterTest/*.log, written
 * from the notice and the maillog, except f-delayed's, which is the captured defer log) to NoticeWriter
 * with the notice's own queue id and time, and compares every line with the capture, byte for byte,
 * after masking the notice's dates, boundary time and Message-Id time.
 */
class NoticeWriterTest {
    static final Path CAPTURES = Path.of("src/test/resources/org/postroom/bounce/captures");
    static final Path LOGS = Path.of("src/test/resources/org/postroom/bounce/NoticeWriterTest");
    static final String MAIN_CF = """
            compatibility_level = 3.6
            myhostname = mail.example.com
            mydomain = example.com
            """;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, ppd MMM yyyy HH:mm:ss xx", Locale.ENGLISH);

    record Case(String notice, Kind kind, boolean postmaster, Notice.Returned returned) {
        String original() {
            return notice.substring(0, notice.indexOf('.'));
        }

        @Override
        public String toString() {
            return notice;
        }
    }

    static Stream<Case> captured() {
        Notice.Returned full = Notice.Returned.FULL, hdrs = Notice.Returned.HEADERS;
        List<Case> c = new ArrayList<>();
        for (String o : List.of("a-local-unknown", "b-alias-expanded", "d-over-limit", "e-remote-reject", "i-smtputf8",
                "k-long-line", "l-quoted-sender")) {
            c.add(new Case(o + ".failure", Kind.FAILURE, false, full));
            c.add(new Case(o + ".failure-postmaster", Kind.FAILURE, true, hdrs));
        }
        c.add(new Case("c-ret-hdrs.failure", Kind.FAILURE, false, hdrs));
        c.add(new Case("c-ret-hdrs.failure-postmaster", Kind.FAILURE, true, hdrs));
        c.add(new Case("f-delayed.delay", Kind.DELAY, false, hdrs));
        c.add(new Case("f-delayed.delay-postmaster", Kind.DELAY, true, hdrs));
        c.add(new Case("f-delayed.expired", Kind.FAILURE, false, full));
        c.add(new Case("f-delayed.expired-postmaster", Kind.FAILURE, true, hdrs));
        c.add(new Case("g-success.success", Kind.SUCCESS, false, hdrs));
        c.add(new Case("h-null-sender.failure-2bounce", Kind.FAILURE, true, full));
        c.add(new Case("verify.verify", Kind.VERIFY, false, hdrs));
        return c.stream();
    }

    static NoticeWriter writer() {
        MainCf cfg = MainCf.parse(Path.of("main.cf"), MAIN_CF, Map.of(), w -> {});
        return new NoticeWriter(NoticeSettings.of(cfg, w -> {}).withZone(ZoneId.of("UTC")), BounceTemplates.defaults());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captured")
    void matchesPostfix(Case c, @TempDir Path tmp) throws IOException {
        List<byte[]> expected = lines(Files.readAllBytes(CAPTURES.resolve("notice/" + c.notice() + ".msg")));
        String header = new String(Files.readAllBytes(CAPTURES.resolve("notice/" + c.notice() + ".msg")), StandardCharsets.UTF_8);
        String newId = field(header, "\tid ", ";");
        Instant now = ZonedDateTime.parse(field(header, "Date: ", " (UTC)"), DATE).toInstant();
        String to = field(Files.readString(CAPTURES.resolve("notice/" + c.notice() + ".env")), "recipient: ", "\n");
        Original o = c.original().equals("verify") ? verifyProbe(tmp) : open(CAPTURES.resolve("orig/" + c.original() + ".qf"));
        List<BounceLog.Entry> log = BounceLog.parse(Files.readString(LOGS.resolve(c.original() + ".log")));
        List<byte[]> actual = new ArrayList<>();
        writer().write(new Notice(c.kind(), c.postmaster(), to, c.returned(), newId, now), o, log, (b, off, len) -> {
            byte[] x = new byte[len];
            System.arraycopy(b, off, x, 0, len);
            actual.add(x);
        });
        if (c.original().equals("i-smtputf8")) expected = fixedQuoting(expected);
        assertEquals(text(mask(expected)), text(mask(actual)));
        Mime.checkStructure(actual);
    }

    /**
     * Postfix 3.7.11 quoted an 8-bit sender with a backslash before every 8-bit byte in X-Postfix-Sender and
     * Return-Path ("s\303\251nder"@...); later Postfix (QUOTE_FLAG_8BITCLEAN, as in 3.12) and Postroom leave
     * UTF-8 alone, which also makes X-Postfix-Sender "utf-8;". Those two lines are compared in that form.
     */
    static List<byte[]> fixedQuoting(List<byte[]> lines) {
        byte[] bad = "\"s\\\u00c3\\\u00a9nder\"@remote.example".getBytes(StandardCharsets.ISO_8859_1);
        byte[] good = "s\u00e9nder@remote.example".getBytes(StandardCharsets.UTF_8);
        List<byte[]> out = new ArrayList<>();
        for (byte[] l : lines) {
            String s = new String(l, StandardCharsets.ISO_8859_1);
            String b = new String(bad, StandardCharsets.ISO_8859_1);
            if (s.contains(b)) {
                s = s.replace(b, new String(good, StandardCharsets.ISO_8859_1)).replace("X-Postfix-Sender: rfc822;", "X-Postfix-Sender: utf-8;");
            }
            out.add(s.getBytes(StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    static Original open(Path qf) throws IOException {
        String id = null;
        try (var in = Files.newInputStream(qf)) {
            var r = new org.postroom.global.record.RecordReader(in);
            for (var rec = r.next(0); rec != null && id == null; rec = r.next(0)) {
                if (rec.type() == RecordType.ATTR && rec.text().startsWith("log_ident=")) id = rec.text().substring(10);
            }
        }
        return Original.open(qf, id, 0);
    }

    /** The sendmail -bv probe of the verify capture, which Postfix did not keep: rebuilt from the headers the report returned. */
    static Original verifyProbe(Path tmp) throws IOException {
        List<String> content = List.of("Received: by mail.example.com (Postfix, from userid 0)",
                "\tid D9EBC2224C2; Thu,  3 Dec 2026 12:53:27 +0000 (UTC)", "From: sender@remote.example", "Subject: probe",
                "To:\tnosuch@mail.example.com,", "\tnobody@mail.example.com",
                "Message-Id: <20261203125327.D9EBC2224C2@mail.example.com>", "Date: Thu,  3 Dec 2026 12:53:27 +0000 (UTC)", "", "probe");
        return Original.open(QueueFiles.write(tmp.resolve("D9EBC2224C2"), "sender@remote.example", 1796302407L, List.of(), content),
                "D9EBC2224C2", 0);
    }

    @Test
    void theThirdPartIsHeadersOnlyOverTheSizeLimit() throws IOException {
        Original o = open(CAPTURES.resolve("orig/d-over-limit.qf"));
        List<String> l = writer().lines(Notice.toSender(Kind.FAILURE, "sender@remote.example", 0, "NEWID", Instant.EPOCH), o,
                BounceLog.parse(Files.readString(LOGS.resolve("d-over-limit.log"))));
        assertEquals(true, l.contains("Content-Description: Undelivered Message Headers"));
        assertEquals(true, l.stream().noneMatch(x -> x.startsWith("line 0")));
    }

    // -- helpers: lines of a capture, masking, display

    static List<byte[]> lines(byte[] all) {
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream cur = new ByteArrayOutputStream();
        for (byte b : all) {
            if (b == '\n') {
                out.add(cur.toByteArray());
                cur.reset();
            } else {
                cur.write(b);
            }
        }
        if (cur.size() > 0) out.add(cur.toByteArray());
        return out;
    }

    /** The notice's own times: the Date: and Received: dates of its header, the boundary time and the Message-Id time. */
    static List<String> mask(List<byte[]> lines) {
        List<String> out = new ArrayList<>();
        boolean header = true;
        for (byte[] l : lines) {
            String s = new String(l, StandardCharsets.ISO_8859_1);
            if (s.isEmpty()) header = false;
            if (header && (s.startsWith("Date: ") || s.startsWith("\tid "))) s = s.replaceAll("[A-Z][a-z]{2}, [ \\d]\\d \\w{3} \\d{4} [\\d:]{8} [+-]\\d{4} \\(\\w+\\)", "DATE");
            s = s.replaceAll("^(--|\tboundary=\")([0-9A-Za-z]+)\\.\\d+/", "$1$2.EPOCH/");
            s = s.replaceAll("^Message-Id: <\\d{14}\\.", "Message-Id: <STAMP.");
            out.add(s);
        }
        return out;
    }

    /** The lines as one text for a readable diff (bytes shown as ISO-8859-1 so nothing is lost). */
    static String text(List<String> lines) {
        return String.join("\n", lines) + "\n";
    }

    static String field(String text, String start, String end) {
        int i = text.indexOf(start);
        int j = text.indexOf(end, i + start.length());
        return text.substring(i + start.length(), j);
    }
}
