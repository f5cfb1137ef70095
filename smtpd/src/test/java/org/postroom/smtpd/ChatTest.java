package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postroom.global.config.MainCf;

/** The network loop over in-memory streams: reading, replies, bare LF, timeouts and lost connections. */
class ChatTest {
    private final Fakes.Queue queue = new Fakes.Queue();
    private final Fakes.Log log = new Fakes.Log();

    private TestWire run(String config, String client, InputStream input) {
        SmtpdConfig cfg = Fakes.config(config);
        SmtpSession s = new SmtpSession(cfg, Fakes.client(client), new Fakes.Relay(), queue, log, Fakes.CLOCK);
        TestWire wire = new TestWire(input);
        new Chat(s, wire, cfg).run();
        return wire;
    }

    private TestWire run(String config, String input) {
        return run(config, "127.0.0.1", SplitInput.bytewise(input.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void smugglingAttemptStaysInOneMessage() throws IOException {
        TestWire w = run("", "203.0.113.5", SplitInput.bytewise(("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\n"
                + "RCPT TO:<root@example.com>\r\nDATA\r\n"
                + "Subject: x\r\n\r\nline two\n.\nMAIL FROM:<evil@example.org>\nRCPT TO:<r@example.com>\nDATA\n"
                + "Subject: smuggled\n\n.\r\n\r\n.\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII)));
        assertEquals("250 2.0.0 Ok: queued as 64BE1160033", w.replies().get(w.replies().size() - 2), w.replies() + "\n" + log.lines);
        assertEquals("221 2.0.0 Bye", w.replies().getLast());
        assertEquals(1, queue.finished.size());
        List<String> records = queue.lastRecords();
        assertTrue(records.contains("N MAIL FROM:<evil@example.org>"), records.toString());
        assertTrue(records.contains("N Subject: smuggled"), records.toString());
        assertTrue(log.lines.getLast().startsWith("disconnect from unknown[203.0.113.5] ehlo=1 mail=1 rcpt=1 data=1 quit=1"), log.lines.toString());
    }

    @Test
    void bareLfEndsDataWhenTheClientIsExcluded() {
        TestWire w = run("", "EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<root@example.com>\r\nDATA\r\n"
                + "line two\n.\nQUIT\r\n");
        assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>", "250 2.0.0 Ok: queued as 64BE1160033", "221 2.0.0 Bye"),
                w.replies().subList(w.replies().size() - 3, w.replies().size()));
    }

    @Test
    void bareLfCommandIsRejected() {
        TestWire w = run("smtpd_forbid_bare_newline = reject\nsmtpd_forbid_bare_newline_exclusions =\n",
                "HELO c.example\nHELO c.example\r\nQUIT\r\n");
        // Postfix 3.7.11 (observed): the reply, then the session ends; nothing pipelined after it runs
        assertEquals(List.of("220 mail.example.com ESMTP Postfix", "550 5.5.2 mail.example.com Error: bare <LF> received"),
                w.replies());
    }

    /** Each smuggling variant of CVE-2023-51764, as Postfix 3.7.11 answers it (observed, SmugglingIT). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "normalize, '\\n.\\r\\n'", "normalize, '\\r\\n.\\n'", "normalize, '\\n.\\n'", "normalize, 'x\\n.\\r\\ny\\r\\n'",
            "reject, '\\n.\\r\\n'", "reject, '\\r\\n.\\n'", "reject, '\\n.\\n'", "note, '\\n.\\r\\n'"})
    void noSmuggledMessage(String mode, String endVariant) throws IOException {
        String end = endVariant.replace("\\r", "\r").replace("\\n", "\n");
        for (String second : List.of("DATA\r\nSubject: smuggled\r\n\r\n.\r\n", "BDAT 9 LAST\r\nsmuggled\r\n.\r\n")) {
            queue.finished.clear();
            queue.aborted = 0;
            TestWire w = run("smtpd_forbid_bare_newline = " + mode + "\nsmtpd_forbid_unauth_pipelining = no\n", "203.0.113.5",
                    SplitInput.bytewise(("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<root@example.com>\r\n"
                            + "DATA\r\nSubject: x\r\n\r\nline" + end + "MAIL FROM:<evil@example.org>\r\n"
                            + "RCPT TO:<r@example.com>\r\n" + second + "QUIT\r\n").getBytes(StandardCharsets.US_ASCII)));
            List<String> r = w.replies();
            String result = mode.equals("reject") ? "550 5.5.2 mail.example.com Error: bare <LF> received"
                    : "250 2.0.0 Ok: queued as ";
            String why = mode + " " + endVariant + " " + second + ": " + r;
            assertEquals("354 End data with <CR><LF>.<CR><LF>", r.get(r.size() - 3), why);
            assertTrue(r.get(r.size() - 2).startsWith(result), why);
            assertEquals("221 2.0.0 Bye", r.getLast(), why);
            assertEquals(mode.equals("reject") ? 0 : 1, queue.finished.size());
            if (!mode.equals("reject")) {
                List<String> records = queue.lastRecords();
                assertTrue(records.contains("N MAIL FROM:<evil@example.org>"), records.toString());
                assertTrue(records.stream().noneMatch(x -> x.equals("N .")), records.toString());
            }
        }
    }

    @Test
    void bareLfEndsDataForExcludedClientsAsInPostfix() {
        // mynetworks clients keep the pre-3.9 rules (smtpd_forbid_bare_newline_exclusions = $mynetworks)
        TestWire w = run("", "EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<root@example.com>\r\nDATA\r\n"
                + "line\n.\r\nNOOP\r\nQUIT\r\n");
        assertEquals(List.of("250 2.0.0 Ok: queued as 64BE1160033", "250 2.0.0 Ok", "221 2.0.0 Bye"),
                w.replies().subList(w.replies().size() - 3, w.replies().size()));
    }

    @Test
    void clientTalkingBeforeTheGreetingIsRefused() {
        TestWire w = run("smtpd_forbid_unauth_pipelining = yes\n", "203.0.113.5",
                new java.io.ByteArrayInputStream("EHLO c.example\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(List.of("554 5.5.0 Error: SMTP protocol synchronization"), w.replies());
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("improper command pipelining after CONNECT from unknown[203.0.113.5]: EHLO")),
                log.lines.toString());
    }

    @Test
    void bareLfInDataIsRejectedAfterTheData() {
        TestWire w = run("smtpd_forbid_bare_newline = reject\nsmtpd_forbid_bare_newline_exclusions =\n", "203.0.113.5",
                SplitInput.bytewise(("HELO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<root@example.com>\r\nDATA\r\n"
                        + "one\ntwo\r\n.\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII)));
        assertEquals("550 5.5.2 mail.example.com Error: bare <LF> received", w.replies().get(w.replies().size() - 2));
        assertEquals(0, queue.finished.size());
        assertEquals(1, queue.aborted);
    }

    @Test
    void noteModeAddsNotesToTheDisconnectLine() {
        run("smtpd_forbid_bare_newline = note\nsmtpd_forbid_bare_newline_exclusions =\n", "HELO c.example\nQUIT\r\n");
        assertEquals("disconnect from localhost[127.0.0.1] helo=1 quit=1 commands=2 notes=bare_lf", log.lines.getLast());
    }

    @Test
    void overlongCommandIsRefusedAndTheSessionGoesOn() {
        TestWire w = run("line_length_limit = 20\n", "NOOP " + "x".repeat(50) + "\r\nNOOP\r\n");
        assertEquals(List.of("220 mail.example.com ESMTP Postfix", "500 5.5.2 mail.example.com Error: command too long",
                "250 2.0.0 Ok"), w.replies());
        // smtpd_chat_query_limit's warning, with the first 30 characters of what was kept
        assertTrue(log.lines.contains("warning: localhost[127.0.0.1]: request longer than 20: NOOP " + "x".repeat(15) + "..."), log.lines.toString());
    }

    /** A session with the built-in SASL users of the dialogs (every password "secret"). */
    private TestWire runWithSasl(String config, String input) {
        String sasl = "smtpd_sasl_auth_enable = yes\nsmtpd_sasl_type = builtin\nsmtpd_sasl_user_maps = texthash:src/test/resources/sasl/users\n"
                + config;
        SmtpdConfig cfg = Fakes.config(sasl);
        SmtpSession s = new SmtpSession(cfg, Fakes.client("203.0.113.5"), new Fakes.Relay(), queue, log, Fakes.CLOCK);
        SmtpdSasl sc = SmtpdSasl.from(MainCf.parse(Path.of("/nonexistent/main.cf"), Fakes.BASE_CONFIG + sasl, Map.of(), w -> { }),
                Path.of("/nonexistent"));
        s.useSasl(sc, sc.open("203.0.113.5", Duration.ZERO));
        TestWire wire = new TestWire(SplitInput.bytewise(input.getBytes(StandardCharsets.US_ASCII)));
        new Chat(s, wire, cfg).run();
        return wire;
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Postfix reads an AUTH response up to smtpd_sasl_response_limit (12288), not line_length_limit (2048). */
    @Test
    void anAuthResponseLongerThanACommandLineIsReadWhole() {
        String user = base64("u".repeat(3000));
        TestWire w = runWithSasl("", "EHLO c.example\r\nAUTH LOGIN\r\n" + user + "\r\n" + base64("secret") + "\r\nQUIT\r\n");
        List<String> r = w.replies();
        assertEquals(List.of("334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", "535 5.7.8 Error: authentication failed: (reason unavailable)", "221 2.0.0 Bye"),
                r.subList(r.size() - 4, r.size()), r + "\n" + log.lines);
        assertTrue(log.lines.stream().noneMatch(l -> l.contains("request longer than")), log.lines.toString());
    }

    @Test
    void anAuthResponseOverTheSaslResponseLimitIsRefusedAndTheSessionGoesOn() {
        TestWire w = runWithSasl("smtpd_sasl_response_limit = 100\n", "EHLO c.example\r\nAUTH PLAIN\r\n" + "A".repeat(5000) + "\r\n"
                + "AUTH PLAIN " + base64("\0alice@example.com\0secret") + "\r\nQUIT\r\n");
        List<String> r = w.replies();
        assertEquals(List.of("334 ", "500 5.5.6 SASL response limit exceeded", "235 2.7.0 Authentication successful", "221 2.0.0 Bye"),
                r.subList(r.size() - 4, r.size()), r + "\n" + log.lines);
        assertTrue(log.lines.contains("warning: unknown[203.0.113.5]: request longer than 100: " + "A".repeat(30) + "..."), log.lines.toString());
        assertEquals("disconnect from unknown[203.0.113.5] ehlo=1 auth=1/2 quit=1 commands=3/4", log.lines.getLast());
    }

    @Test
    void longContentLinesBecomeContinuationRecords() throws IOException {
        String ten = "0123456789";
        String abc = "abcdefghij";
        run("line_length_limit = 30\n", "HELO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<root@example.com>\r\n"
                + "DATA\r\n" + ten.repeat(3) + abc.repeat(3) + "XYZ\r\n.\r\n");
        List<String> r = queue.lastRecords();
        int at = r.indexOf("L " + ten.repeat(3));
        assertEquals(List.of("L " + ten.repeat(3), "L " + abc.repeat(3), "N XYZ"), r.subList(at, at + 3));
    }

    @Test
    void pipelinedEhloIsASynchronizationError() {
        byte[] in = "EHLO c.example\r\nMAIL FROM:<a@example.org>\r\n".getBytes(StandardCharsets.US_ASCII);
        TestWire w = run("", "127.0.0.1", new SplitInput(in, 0));
        assertEquals(List.of("220 mail.example.com ESMTP Postfix", "554 5.5.0 Error: SMTP protocol synchronization"), w.replies());
        assertTrue(log.lines.contains("improper command pipelining after EHLO from localhost[127.0.0.1]: MAIL FROM:<a@example.org>\\r\\n"),
                log.lines.toString());
    }

    @Test
    void pipelinedGroupGetsItsRepliesInOneFlush() {
        byte[] in = ("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<root@example.com>\r\nDATA\r\n"
                + "hi\r\n.\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII);
        int ehloEnd = "EHLO c.example\r\n".length();
        int dataEnd = in.length - "hi\r\n.\r\nQUIT\r\n".length();
        TestWire w = run("", "127.0.0.1", new SplitInput(in, ehloEnd, dataEnd, in.length - 6));
        // greeting, EHLO reply, MAIL+RCPT+DATA replies, the message reply, QUIT
        assertEquals(5, w.flushes, w.replies().toString());
        assertEquals("221 2.0.0 Bye", w.replies().getLast());
    }

    @Test
    void bdatReadsExactOctets() throws IOException {
        TestWire w = run("", "EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<root@example.com>\r\n"
                + "BDAT 5 LAST\r\nab\r\n.QUIT\r\n");
        assertEquals(List.of("250 2.0.0 Ok: 5 bytes queued as 64BE1160033", "221 2.0.0 Bye"),
                w.replies().subList(w.replies().size() - 2, w.replies().size()));
        List<String> r = queue.lastRecords();
        assertTrue(r.containsAll(List.of("N ab", "N .")), r.toString());
    }

    @Test
    void lostConnectionInDataDropsTheMessage() {
        run("", "HELO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<root@example.com>\r\nDATA\r\nSubject: x\r\n");
        assertEquals(0, queue.finished.size());
        assertEquals(1, queue.aborted);
        assertTrue(log.lines.contains("lost connection after DATA (12 bytes) from localhost[127.0.0.1]"), log.lines.toString());
        assertEquals("disconnect from localhost[127.0.0.1] helo=1 mail=1 rcpt=1 commands=3", log.lines.getLast());
    }

    @Test
    void timeoutRepliesAndLogs() {
        InputStream stalls = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new InterruptedIOException("deadline");
            }
        };
        InputStream in = new SequenceInputStream(SplitInput.bytewise("HELO c.example\r\n".getBytes(StandardCharsets.US_ASCII)), stalls);
        TestWire w = run("", "127.0.0.1", in);
        assertEquals("421 4.4.2 mail.example.com Error: timeout exceeded", w.replies().getLast());
        assertTrue(log.lines.contains("timeout after HELO from localhost[127.0.0.1]"), log.lines.toString());
    }

    private List<String> limited(Anvil anvil, String config, String client, String input) {
        SmtpdConfig cfg = Fakes.config(config);
        SmtpSession s = new SmtpSession(cfg, Fakes.client(client), new Fakes.Relay(), queue, log, Fakes.CLOCK, anvil);
        TestWire wire = new TestWire(SplitInput.bytewise(input.getBytes(StandardCharsets.US_ASCII)));
        new Chat(s, wire, cfg).run();
        return wire.replies();
    }

    @Test
    void connectionCountLimitRefusesBeforeTheGreeting() {
        Anvil anvil = new Anvil("smtp", java.time.Duration.ofSeconds(60));
        // two sessions held open from the same address (as if they were still connected)
        anvil.connect("203.0.113.5");
        anvil.connect("203.0.113.5");
        List<String> r = limited(anvil, "smtpd_client_connection_count_limit = 2\n", "203.0.113.5", "EHLO c.example\r\n");
        assertEquals(List.of("421 4.7.0 mail.example.com Error: too many connections from 203.0.113.5"), r);
        assertTrue(log.lines.contains("warning: Connection concurrency limit exceeded: 3 from unknown[203.0.113.5] for service smtp"),
                log.lines.toString());
        assertTrue(log.lines.getLast().startsWith("disconnect from unknown[203.0.113.5] commands=0/0"), log.lines.toString());
        // the refused session is no longer counted; another address is not limited
        assertEquals(3, anvil.connect("203.0.113.5").count());
        assertEquals("220 mail.example.com ESMTP Postfix", limited(anvil, "smtpd_client_connection_count_limit = 2\n",
                "203.0.113.6", "QUIT\r\n").getFirst());
    }

    @Test
    void mynetworksIsExemptByDefault() {
        Anvil anvil = new Anvil("smtp", java.time.Duration.ofSeconds(60));
        for (int i = 0; i < 5; i++) anvil.connect("127.0.0.1");
        List<String> r = limited(anvil, "smtpd_client_connection_count_limit = 2\n", "127.0.0.1", "QUIT\r\n");
        assertEquals("220 mail.example.com ESMTP Postfix", r.getFirst());
        r = limited(anvil, "smtpd_client_connection_count_limit = 2\nsmtpd_client_event_limit_exceptions =\n", "127.0.0.1", "QUIT\r\n");
        assertTrue(r.getFirst().startsWith("421 4.7.0 "), r.toString());
    }

    @Test
    void connectionMessageAndRecipientRates() {
        Anvil anvil = new Anvil("smtp", java.time.Duration.ofSeconds(60));
        String cf = "smtpd_client_connection_rate_limit = 2\nsmtpd_client_message_rate_limit = 1\nsmtpd_client_recipient_rate_limit = 2\n";
        String tx = "EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<u1@example.com>\r\nRCPT TO:<u2@example.com>\r\n"
                + "RCPT TO:<u3@example.com>\r\nRSET\r\nMAIL FROM:<a@example.org>\r\nQUIT\r\n";
        List<String> r = limited(anvil, cf, "203.0.113.7", tx);
        List<String> mine = r.stream().filter(l -> !l.startsWith("250-")).toList();
        assertEquals(List.of("220 mail.example.com ESMTP Postfix", "250 CHUNKING", "250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok",
                "450 4.7.1 Error: too many recipients from 203.0.113.7", "250 2.0.0 Ok",
                "450 4.7.1 Error: too much mail from 203.0.113.7", "221 2.0.0 Bye"), mine);
        assertTrue(log.lines.contains("warning: Recipient address rate limit exceeded: 3 from unknown[203.0.113.7] for service smtp"));
        assertTrue(log.lines.contains("warning: Message delivery request rate limit exceeded: 2 from unknown[203.0.113.7] for service smtp"));
        assertEquals("220 mail.example.com ESMTP Postfix", limited(anvil, cf, "203.0.113.7", "QUIT\r\n").getFirst());
        assertEquals(List.of("421 4.7.0 mail.example.com Error: too many connections from 203.0.113.7"),
                limited(anvil, cf, "203.0.113.7", "QUIT\r\n"));
        assertTrue(log.lines.contains("warning: Connection rate limit exceeded: 3 from unknown[203.0.113.7] for service smtp"));
    }

    @Test
    void mailNeedsRoomForOneAndAHalfMaximumMessages() {
        String tx = "HELO c.example\r\nMAIL FROM:<a@example.org>\r\nQUIT\r\n";
        queue.free = 15_360_000; // exactly 1.5 * message_size_limit: not enough
        List<String> r = limited(null, "", "203.0.113.8", tx);
        assertEquals(List.of("220 mail.example.com ESMTP Postfix", "250 mail.example.com", "452 4.3.1 Insufficient system storage",
                "221 2.0.0 Bye"), r);
        assertTrue(log.lines.contains("NOQUEUE: reject: MAIL from unknown[203.0.113.8]: 452 4.3.1 Insufficient system storage;"
                + " proto=SMTP helo=<c.example>"), log.lines.toString());
        assertTrue(log.lines.contains("warning: not enough free space in mail queue: 15360000 bytes < 1.5*message size limit"));
        queue.free = 15_360_002;
        assertEquals("250 2.1.0 Ok", limited(null, "", "203.0.113.8", tx).get(2));
        // queue_minfree on top
        assertEquals("452 4.3.1 Insufficient system storage", limited(null, "queue_minfree = 20000000\n", "203.0.113.8", tx).get(2));
        queue.free = 20_000_001;
        assertEquals("250 2.1.0 Ok", limited(null, "queue_minfree = 20000000\n", "203.0.113.8", tx).get(2));
    }
}
