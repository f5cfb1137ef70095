package org.postroom.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postroom.global.config.MainCf;
import org.postroom.global.mail.ErrorNotice;
import org.postroom.global.mail.MailError;
import org.postroom.global.mailbox.Message;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;

/**
 * The client's transcript and error class for postmaster notices (smtp_chat.c, smtp_trouble.c
 * smtp_check_code()) against scripted servers on a real socket, and when a notice goes out
 * (smtp_connect.c smtp_cleanup_session()).
 */
class SmtpChatNotifyTest {
    @TempDir
    Path tmp;

    private SmtpConfig cfg(String extra) {
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
                smtp_rset_timeout = 1s
                inet_protocols = ipv4
                """ + extra;
        return SmtpConfig.from(MainCf.parse(tmp.resolve("main.cf"), text, java.util.Map.of(), w -> { }), false);
    }

    private DeliverRequest request(String sender, String... rcpts) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        RecordWriter w = new RecordWriter(b);
        w.put(RecordType.MESG, "");
        long data = w.offset();
        w.put(RecordType.NORM, "Subject: x");
        w.put(RecordType.NORM, "");
        w.put(RecordType.NORM, "body");
        w.put(RecordType.XTRA, "");
        w.put(RecordType.END, "");
        Files.write(tmp.resolve("Q1"), b.toByteArray());
        List<DeliverRequest.Recipient> rs = new ArrayList<>();
        for (int i = 0; i < rcpts.length; i++) rs.add(new DeliverRequest.Recipient(100 + i, rcpts[i], rcpts[i]));
        return new DeliverRequest(QueueName.ACTIVE, new QueueId("ABC123"), data, 42, "example.net", "", sender, 0, 0, "", "", rs);
    }

    private record Run(List<String> transcript, int mask, List<List<String>> notices) {}

    /** One session (start, then the transaction) with {@code creds}; then what smtp_cleanup_session() does. */
    private Run run(String extra, Optional<SmtpSasl.Credentials> creds, String sender, Function<String, String> script) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> wire = CompletableFuture.supplyAsync(() -> SmtpProtoTest.serve(ss, script));
            SmtpConfig cfg = cfg(extra);
            DeliverRequest req = request(sender, "bob@example.net");
            try (SmtpSession s = SmtpSession.connect(Endpoint.tcp(new MxAddress("mx.example.net", 10, InetAddress.getLoopbackAddress()),
                    ss.getLocalPort()), cfg.connectTimeout(), cfg.heloTimeout())) {
                SmtpProto p = new SmtpProto(cfg, s);
                SmtpProto.Start st = p.start(SmtpProto.TlsPlan.NONE, new SmtpSasl(cfg.sasl()), creds, null);
                if (st.ok()) p.transaction(req, new Message(tmp.resolve("Q1"), req.dataOffset(), 8192, sender, false), req.recipients(), false);
                else p.quit();
                List<String> t = s.transcript().lines();
                int mask = s.errorMask();
                List<List<String>> notices = new ArrayList<>();
                Smtp.sessionDone(s, sender, MailError.PROTOCOL, "double-bounce@client.example", false,
                        new ErrorNotice("Postfix", "client.example", "postmaster", true, true), (rcpt, lines) -> notices.add(lines));
                assertTrue(s.transcript().isEmpty(), "a session leaves sessionDone() without history");
                s.close();
                wire.get();
                return new Run(t, mask, notices);
            }
        }
    }

    private Run run(Function<String, String> script) throws Exception {
        return run("", Optional.empty(), "alice@example.com", script);
    }

    /** The reply to one command, the others as a normal server gives them. */
    private static Function<String, String> replyTo(String command, String reply) {
        return l -> l.startsWith(command) && !(command.isEmpty() && !l.isEmpty()) ? reply.replace("~", "\r\n") + "\r\n"
                : SmtpProtoTest.normal(l);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            MAIL | hello there                    | 2
            MAIL | 250-ok~251 changed code        | 2
            MAIL | 500 5.5.2 what?                | 2
            MAIL | 553 5.1.8 sender rejected      | 0
            RCPT | 334 go ahead                   | 2
            RCPT | 555 5.5.4 unsupported option   | 2
            RCPT | 550 5.1.1 no such user         | 0
            RCPT | 450 4.2.1 busy                 | 0
            DATA | 503 5.5.1 bad sequence         | 2
            DATA | 554 5.7.1 no                   | 0
            .    | 510 5.1.1 bad address          | 0
            .    | 509 5.1.1 whatever             | 2
            EHLO | 421 4.3.2 shutting down        | 0
            """)
    void protocolErrorsAsSmtpCheckCodeSeesThem(String command, String reply, int mask) throws Exception {
        Run r = run(replyTo(command, reply));
        assertEquals(mask, r.mask(), r.transcript().toString());
        assertEquals(mask == 0 ? 0 : 1, r.notices().size());
    }

    @Test
    void theTranscriptHasBothDirectionsAndTheDot() throws Exception {
        // a 3xx reply to RCPT: the transaction ends with RSET and QUIT (SMTP_STATE_ABORT)
        Run r = run(replyTo("RCPT", "334 go ahead"));
        assertEquals(List.of("In:  220 mx.example.net ESMTP", "Out: EHLO client.example", "In:  250-mx.example.net",
                "In:  250-SIZE 1000000", "In:  250 8BITMIME", "Out: MAIL FROM:<alice@example.com> SIZE=42", "In:  250 2.1.0 Ok",
                "Out: RCPT TO:<bob@example.net>", "In:  334 go ahead", "Out: RSET", "In:  250 2.1.0 Ok", "Out: QUIT"), r.transcript());
        List<String> n = r.notices().getFirst();
        assertEquals("Subject: Postfix SMTP client: errors from mx.example.net[127.0.0.1]:" + n.get(2).replaceAll(".*:", ""), n.get(2));
        assertTrue(n.contains("Unexpected response from mx.example.net[127.0.0.1]:" + n.get(2).replaceAll(".*:", "") + "."), n.toString());
        assertTrue(n.contains(" In:  334 go ahead"), n.toString());
    }

    @Test
    void aServersBytesCannotBreakTheNotice() throws Exception {
        // a control byte and a byte that is not UTF-8 in a multi-line 500 (a protocol error)
        Run r = run(replyTo("MAIL", "500-5.5.2 \u0001bad\u00ff~500 5.5.2 x"));
        String text = String.join("\n", r.notices().getFirst());
        assertTrue(text.contains("\n In:  500-5.5.2 ?bad?\n In:  500 5.5.2 x\n"), text);
        assertFalse(text.contains("\u0001") || text.contains("\u00ff"), text);
    }

    @ParameterizedTest
    @CsvSource({"''", "double-bounce@client.example"})
    void noNoticeAboutANotice(String sender) throws Exception {
        Run r = run("", Optional.empty(), sender, replyTo("MAIL", "hello there"));
        assertEquals(MailError.PROTOCOL, r.mask());
        assertTrue(r.notices().isEmpty());
    }

    @Test
    void saslDataIsHidden() throws Exception {
        String sasl = "smtp_sasl_auth_enable = yes\nsmtp_sasl_password_maps = static:x\nsmtp_sasl_security_options = noanonymous\n";
        Function<String, String> server = l -> {
            if (l.startsWith("EHLO")) return "250-mx.example.net\r\n250 AUTH LOGIN\r\n";
            if (l.startsWith("AUTH")) return "334 VXNlcm5hbWU6\r\n";
            if (l.equals("dXNlcg==")) return "334 UGFzc3dvcmQ6\r\n";
            if (l.equals("c2VjcmV0")) return "235 2.7.0 ok\r\n";
            return l.startsWith("MAIL") ? "hello\r\n" : SmtpProtoTest.normal(l);
        };
        Run r = run(sasl, Optional.of(new SmtpSasl.Credentials("user", "secret")), "alice@example.com", server);
        assertTrue(r.transcript().containsAll(List.of("Out: AUTH LOGIN", "In:  334 VXNlcm5hbWU6", "Out: (hidden)", "In:  235 2.7.0 ok")),
                r.transcript().toString());
        assertTrue(r.transcript().stream().noneMatch(l -> l.contains("dXNlcg==") || l.contains("c2VjcmV0")), r.transcript().toString());
        r = run(sasl, Optional.of(new SmtpSasl.Credentials("user", "secret")), "alice@example.com", l -> {
            if (l.startsWith("EHLO")) return "250-mx.example.net\r\n250 AUTH PLAIN\r\n";
            if (l.startsWith("AUTH")) return "500 5.5.2 no\r\n";
            return SmtpProtoTest.normal(l);
        });
        assertTrue(r.transcript().contains("Out: AUTH PLAIN (hidden)"), r.transcript().toString());
    }
}
