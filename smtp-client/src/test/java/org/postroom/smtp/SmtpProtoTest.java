package org.postroom.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.mailbox.Message;
import org.postroom.global.mailbox.Verdict;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryStatus;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;

/**
 * The client dialogue against scripted servers on a real socket: what each kind of reply, a garbage
 * reply, a server that hangs up or says nothing does to the recipients, and what goes on the wire.
 */
class SmtpProtoTest {
    @TempDir
    Path tmp;

    /** smtp(8)'s configuration from main.cf text: one-second timeouts and a 20-byte line limit by default. */
    private SmtpConfig cfg(String... extra) {
        String text = """
                myhostname = client.example
                smtp_connect_timeout = 1s
                smtp_helo_timeout = 1s
                smtp_mail_timeout = 1s
                smtp_rcpt_timeout = 1s
                smtp_data_init_timeout = 1s
                smtp_data_xfer_timeout = 1s
                smtp_data_done_timeout = 1s
                smtp_quit_timeout = 1s
                smtp_line_length_limit = 20
                inet_protocols = ipv4
                """ + String.join("\n", extra) + "\n";
        return SmtpConfig.from(org.postroom.global.config.MainCf.parse(tmp.resolve("main.cf"), text, java.util.Map.of(), w -> { }), false);
    }

    /** One session: start, then the transaction when the start succeeded. */
    static SmtpProto.Result session(SmtpConfig cfg, SmtpSession s, DeliverRequest req, Message msg) {
        SmtpProto p = new SmtpProto(cfg, s);
        SmtpProto.Start st = p.start(SmtpProto.TlsPlan.NONE, new SmtpSasl(cfg.sasl()), java.util.Optional.empty(), null);
        if (!st.ok()) {
            Verdict v = st.permanent() ? Verdict.bounce(st.dsn(), st.text()) : Verdict.defer(st.dsn(), st.text());
            return new SmtpProto.Result(java.util.Collections.nCopies(req.recipients().size(), v), true, st.throttle(), st.text());
        }
        return p.transaction(req, msg, req.recipients(), false);
    }

    private static SmtpSession connect(int port, SmtpConfig cfg) throws IOException {
        return SmtpSession.connect(Endpoint.tcp(new MxAddress("mx.example.net", 10, InetAddress.getLoopbackAddress()), port),
                cfg.connectTimeout(), cfg.heloTimeout());
    }

    /** A queue file with the content lines; returns the request for the recipients. */
    private DeliverRequest request(List<String> lines, String... rcpts) throws IOException {
        return request("", lines, rcpts);
    }

    private DeliverRequest request(String encoding, List<String> lines, String... rcpts) throws IOException {
        Path f = tmp.resolve("Q1");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        RecordWriter w = new RecordWriter(b);
        w.put(RecordType.MESG, "");
        long data = w.offset();
        for (String l : lines) w.put(RecordType.NORM, l);
        w.put(RecordType.XTRA, "");
        w.put(RecordType.END, "");
        Files.write(f, b.toByteArray());
        List<DeliverRequest.Recipient> rs = new ArrayList<>();
        for (int i = 0; i < rcpts.length; i++) rs.add(new DeliverRequest.Recipient(100 + i, rcpts[i], rcpts[i]));
        return new DeliverRequest(QueueName.ACTIVE, new QueueId("ABC123"), data, 42, "example.net", encoding, "alice@example.com",
                0, 0, "", "", rs);
    }

    /**
     * Runs one session against a server that answers each line it reads with {@code script.apply(line)}
     * (null: say nothing, "CLOSE": hang up); the greeting is {@code script.apply("")}.
     */
    private record Run(SmtpProto.Result result, String wire) {}

    private Run run(DeliverRequest req, Function<String, String> script) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> wire = CompletableFuture.supplyAsync(() -> serve(ss, script));
            SmtpConfig cfg = cfg();
            try (SmtpSession s = connect(ss.getLocalPort(), cfg)) {
                Message msg = new Message(tmp.resolve("Q1"), req.dataOffset(), 8192, req.sender(), false);
                SmtpProto.Result r = session(cfg, s, req, msg);
                s.close();
                return new Run(r, wire.get());
            }
        }
    }

    static String serve(ServerSocket ss, Function<String, String> script) {
        StringBuilder seen = new StringBuilder();
        try (Socket c = ss.accept()) {
            InputStream in = c.getInputStream();
            OutputStream out = c.getOutputStream();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
            String g = script.apply("");
            out.write(g.getBytes(StandardCharsets.ISO_8859_1));
            boolean data = false;
            for (String line; (line = r.readLine()) != null; ) {
                seen.append(line).append('\n');
                if (data) {
                    if (!line.equals(".")) continue;
                    data = false;
                }
                String reply = script.apply(line);
                if (reply == null) continue;
                if (reply.equals("CLOSE")) return seen.toString();
                if (reply.startsWith("354")) data = true;
                out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (IOException e) {
            // the client hung up
        }
        return seen.toString();
    }

    static String normal(String line) {
        if (line.isEmpty()) return "220 mx.example.net ESMTP\r\n";
        if (line.startsWith("EHLO")) return "250-mx.example.net\r\n250-SIZE 1000000\r\n250 8BITMIME\r\n";
        if (line.startsWith("DATA")) return "354 go ahead\r\n";
        if (line.equals(".")) return "250 2.0.0 Ok: queued as XYZ\r\n";
        if (line.startsWith("QUIT")) return "221 2.0.0 Bye\r\n";
        if (line.contains("<bad@")) return "550 5.1.1 <bad@example.net>: no such user\r\n";
        if (line.contains("<later@")) return "450 4.2.1 mailbox busy\r\n";
        return "250 2.1.0 Ok\r\n";
    }

    private static List<DeliveryStatus.Outcome> outcomes(SmtpProto.Result r) {
        return r.verdicts().stream().map(Verdict::outcome).toList();
    }

    @Test
    void deliversWithDotStuffingCrlfAndLineFolding() throws Exception {
        DeliverRequest req = request(List.of("Subject: t", "", ".leading dot", "x".repeat(45)), "bob@example.net");
        Run r = run(req, SmtpProtoTest::normal);
        assertEquals(List.of(DeliveryStatus.Outcome.SENT), outcomes(r.result()));
        assertEquals("250 2.0.0 Ok: queued as XYZ", r.result().verdicts().getFirst().text());
        assertFalse(r.result().broken());
        assertTrue(r.wire().contains("EHLO client.example\nMAIL FROM:<alice@example.com> SIZE=42\nRCPT TO:<bob@example.net>\nDATA\n"), r.wire());
        // smtp_line_length_limit 20 here: a 45-byte line goes out as 20 + CRLF SPACE + 20 + CRLF SPACE + 5
        assertTrue(r.wire().contains("Subject: t\n\n..leading dot\n" + "x".repeat(20) + "\n " + "x".repeat(20) + "\n xxxxx\n.\nQUIT\n"), r.wire());
    }

    @Test
    void eightBitBodyIsDeclaredWhenOffered() throws Exception {
        Run r = run(request("8bit", List.of("caf\u00e9"), "bob@example.net"), SmtpProtoTest::normal);
        assertTrue(r.wire().contains("MAIL FROM:<alice@example.com> SIZE=42 BODY=8BITMIME\n"), r.wire());
    }

    @Test
    void dsnParametersAndSmtputf8GoToAServerThatOffersThem() throws Exception {
        DeliverRequest base = request("8bit", List.of("Subject: t", "", "body"), "x");
        DeliverRequest req = new DeliverRequest(base.queue(), base.queueId(), base.dataOffset(), base.size(), base.nexthop(), "8bit",
                base.sender(), 0, 0, "", "", List.of(
                        new DeliverRequest.Recipient(100, "bob@old.example", "bob@example.net", "rfc822;b+b=o@old.example", 2 | 4),
                        new DeliverRequest.Recipient(101, "j\u00f6rg@example.net", "j\u00f6rg@example.net", "", 1),
                        new DeliverRequest.Recipient(102, "carol@example.net", "carol@example.net")),
                "QQ 1+", 2, DeliverRequest.SMTPUTF8_REQUESTED);
        Function<String, String> dsnServer = l -> l.startsWith("EHLO")
                ? "250-mx.example.net\r\n250-DSN\r\n250-SMTPUTF8\r\n250 8BITMIME\r\n" : normal(l);
        Run r = run(req, dsnServer);
        assertEquals(List.of(DeliveryStatus.Outcome.SENT, DeliveryStatus.Outcome.SENT, DeliveryStatus.Outcome.SENT), outcomes(r.result()));
        String wire = r.wire();
        assertTrue(wire.contains("MAIL FROM:<alice@example.com> BODY=8BITMIME ENVID=QQ+201+2B RET=HDRS SMTPUTF8\n"), wire);
        assertTrue(wire.contains("RCPT TO:<bob@example.net> ORCPT=rfc822;b+2Bb+3Do@old.example NOTIFY=SUCCESS,FAILURE\n"), wire);
        // the original recipient as ORCPT; a UTF-8 one as utf-8 uxtext (the wire here is read as ISO-8859-1)
        String utf8 = new String("RCPT TO:<j\u00f6rg@example.net> ORCPT=utf-8;j\u00f6rg@example.net NOTIFY=NEVER\n"
                .getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertTrue(wire.contains(utf8), wire);
        assertTrue(wire.contains("RCPT TO:<carol@example.net> ORCPT=rfc822;carol@example.net\n"), wire);
        // no DSN keyword: none of it
        Run plain = run(req, SmtpProtoTest::normal);
        assertTrue(plain.wire().contains("MAIL FROM:<alice@example.com> SIZE=42 BODY=8BITMIME\nRCPT TO:<bob@example.net>\n"), plain.wire());
        assertEquals("NEVER", SmtpProto.notify(1));
        assertEquals("SUCCESS,DELAY", SmtpProto.notify(10));
        assertEquals("a\\x{2B}b\\x{3D}\\x{20}\u00e9", SmtpProto.uxtext("a+b= \u00e9"));
    }

    @Test
    void eachRecipientGetsItsOwnOutcome() throws Exception {
        Run r = run(request(List.of("b"), "bob@example.net", "bad@example.net", "later@example.net"), SmtpProtoTest::normal);
        assertEquals(List.of(DeliveryStatus.Outcome.SENT, DeliveryStatus.Outcome.BOUNCED, DeliveryStatus.Outcome.DEFERRED), outcomes(r.result()));
        Verdict bad = r.result().verdicts().get(1);
        assertEquals("5.1.1", bad.dsn());
        assertEquals("host mx.example.net[127.0.0.1] said: 550 5.1.1 <bad@example.net>: no such user (in reply to RCPT TO command)", bad.text());
        assertEquals("4.2.1", r.result().verdicts().get(2).dsn());
    }

    /** smtp_proto.c: an address probe (sendmail -bv) asks MAIL and RCPT, then RSET and QUIT instead of DATA; nothing is sent. */
    @Test
    void aProbeEndsAfterTheRecipients() throws Exception {
        DeliverRequest base = request(List.of("Subject: probe"), "bob@example.net", "bad@example.net", "later@example.net");
        DeliverRequest req = new DeliverRequest(base.queue(), base.queueId(), base.dataOffset(), base.size(), base.nexthop(), "",
                base.sender(), 0, 0, "", "", base.recipients(), "", 0, 0, org.postroom.global.proto.deliver.TraceFlags.USR_VRFY);
        for (boolean pipelining : List.of(false, true)) {
            Function<String, String> server = l -> l.startsWith("EHLO") && pipelining
                    ? "250-mx.example.net\r\n250-PIPELINING\r\n250 8BITMIME\r\n" : l.startsWith("RCPT TO:<bob@") ? "250 2.1.5 Ok\r\n" : normal(l);
            Run r = run(req, server);
            assertEquals(List.of(DeliveryStatus.Outcome.SENT, DeliveryStatus.Outcome.BOUNCED, DeliveryStatus.Outcome.DEFERRED),
                    outcomes(r.result()), r.wire());
            Verdict ok = r.result().verdicts().getFirst();
            assertEquals("2.1.5", ok.dsn());
            assertEquals("250 2.1.5 Ok", ok.text());
            assertEquals("mx.example.net", ok.mtaName());
            assertEquals("250 2.1.5 Ok", ok.diagText());
            assertFalse(r.wire().contains("DATA") || r.wire().contains("Subject: probe"), r.wire());
            assertTrue(r.wire().endsWith("RCPT TO:<later@example.net>\nRSET\nQUIT\n"), r.wire());
            assertFalse(r.result().broken());
        }
    }

    @Test
    void mailFromRefusedSettlesEveryRecipient() throws Exception {
        Run r = run(request(List.of("b"), "a@example.net", "b@example.net"),
                l -> l.startsWith("MAIL") ? "553 sender rejected\r\n" : normal(l));
        assertEquals(List.of(DeliveryStatus.Outcome.BOUNCED, DeliveryStatus.Outcome.BOUNCED), outcomes(r.result()));
        assertEquals("5.0.0", r.result().verdicts().getFirst().dsn());
        assertFalse(r.wire().contains("RCPT"), r.wire());
    }

    @Test
    void ehloRefusedFallsBackToHelo() throws Exception {
        Run r = run(request(List.of("b"), "bob@example.net"), l -> l.startsWith("EHLO") ? "502 5.5.1 no\r\n" : normal(l));
        assertEquals(List.of(DeliveryStatus.Outcome.SENT), outcomes(r.result()));
        assertTrue(r.wire().contains("HELO client.example\nMAIL FROM:<alice@example.com>\n"), "no SIZE without EHLO: " + r.wire());
    }

    @Test
    void refusedGreetingOr421GoesToTheNextHost() throws Exception {
        Run r = run(request(List.of("b"), "bob@example.net"), l -> l.isEmpty() ? "554 5.7.1 go away\r\n" : normal(l));
        assertTrue(r.result().broken());
        assertEquals(DeliveryStatus.Outcome.DEFERRED, r.result().verdicts().getFirst().outcome());
        assertEquals("host mx.example.net[127.0.0.1] refused to talk to me: 554 5.7.1 go away", r.result().verdicts().getFirst().text());
        r = run(request(List.of("b"), "bob@example.net"), l -> l.startsWith("RCPT") ? "421 4.3.2 shutting down\r\n" : normal(l));
        assertTrue(r.result().broken());
        assertEquals("4.3.2", r.result().verdicts().getFirst().dsn());
    }

    @Test
    void garbageReplyDefers() throws Exception {
        Run r = run(request(List.of("b"), "bob@example.net"), l -> l.startsWith("MAIL") ? "hello there\r\n" : normal(l));
        assertEquals(List.of(DeliveryStatus.Outcome.DEFERRED), outcomes(r.result()));
        assertTrue(r.result().verdicts().getFirst().text().startsWith("host mx.example.net[127.0.0.1] malformed reply: hello there"),
                r.result().verdicts().getFirst().text());
        // an endless multi-line reply is cut off
        r = run(request(List.of("b"), "bob@example.net"), l -> l.startsWith("EHLO") ? "250-x\r\n".repeat(500) + "250 y\r\n" : normal(l));
        assertEquals(List.of(DeliveryStatus.Outcome.DEFERRED), outcomes(r.result()));
        assertTrue(r.result().verdicts().getFirst().text().contains("reply with more than 100 lines"));
    }

    @Test
    void hangUpInTheDataIsNeverASuccess() throws Exception {
        Run r = run(request(List.of("a", "b"), "bob@example.net"), l -> l.equals(".") ? "CLOSE" : normal(l));
        assertEquals(List.of(DeliveryStatus.Outcome.DEFERRED), outcomes(r.result()));
        assertEquals("lost connection with mx.example.net[127.0.0.1] while sending end of data -- message may be sent more than once",
                r.result().verdicts().getFirst().text());
        assertTrue(r.result().broken());
    }

    @Test
    void silentServerTimesOut() throws Exception {
        Run r = run(request(List.of("b"), "bob@example.net"), l -> l.startsWith("RCPT") ? null : normal(l));
        assertEquals(List.of(DeliveryStatus.Outcome.DEFERRED), outcomes(r.result()));
        assertEquals("conversation with mx.example.net[127.0.0.1] timed out while sending RCPT TO", r.result().verdicts().getFirst().text());
        assertTrue(r.result().broken());
    }

    @Test
    void serverThatStopsReadingTimesOut() throws Exception {
        // 20 MB of body against a server that answers 354 and then reads nothing more
        List<String> lines = java.util.Collections.nCopies(20_000, "y".repeat(1000));
        DeliverRequest req = request(lines, "bob@example.net");
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (Socket c = ss.accept()) {
                    c.setReceiveBufferSize(4096);
                    OutputStream o = c.getOutputStream();
                    BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
                    o.write("220 mx ESMTP\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    for (String l; (l = r.readLine()) != null; ) {
                        o.write((l.startsWith("DATA") ? "354 go\r\n" : l.startsWith("EHLO") ? "250 mx\r\n" : "250 ok\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                        if (l.startsWith("DATA")) {
                            Thread.sleep(5000); // reads nothing more
                            return;
                        }
                    }
                } catch (Exception e) {
                    // client gone
                }
            });
            SmtpConfig cfg = cfg();
            try (SmtpSession s = connect(ss.getLocalPort(), cfg)) {
                s.socket().setSendBufferSize(4096);
                Message msg = new Message(tmp.resolve("Q1"), req.dataOffset(), 8192, req.sender(), false);
                long t0 = System.nanoTime();
                SmtpProto.Result r = session(cfg, s, req, msg);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(List.of(DeliveryStatus.Outcome.DEFERRED), outcomes(r));
                assertEquals("conversation with mx.example.net[127.0.0.1] timed out while sending message body", r.verdicts().getFirst().text());
                assertTrue(ms < 5000, "bounded by smtp_data_xfer_timeout, not by the server: " + ms + " ms");
            }
            server.join();
        }
    }
}
