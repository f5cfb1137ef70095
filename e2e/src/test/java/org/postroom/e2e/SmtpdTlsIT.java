package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.PostfixServer;
import org.postroom.testkit.SmtpReceiver;
import org.postroom.testkit.TestCa;
import org.postroom.testkit.WaitFor;

/**
 * STARTTLS and wrapper mode in smtpd with a certificate from a test CA, against real clients: swaks,
 * Python's smtplib (STARTTLS with chain and name checks, and SMTP_SSL on the wrapper port), openssl
 * s_client (no TLS below 1.2), a raw probe of CVE-2011-0411 (plaintext pipelined behind STARTTLS is
 * never answered inside TLS), Debian's Postfix delivering to us over STARTTLS, and Postroom's own smtp
 * client at level verify. The log's summary line and the Received: header are checked on the way.
 */
class SmtpdTlsIT {
    private static final String USER = MailSystem.localUser();

    @Test
    void starttlsAndWrapperMode() throws Exception {
        assumeTrue(MailSystem.isRoot() && SmtpReceiver.available(), "needs root and Debian's python3");
        Path work = Files.createTempDirectory("smtpd-tls", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        TestCa ca = TestCa.create(work, "Postroom Test CA");
        TestCa.Issued cert = ca.issue("mail", "mail.example.com", "127.0.0.1");
        int wrapperPort = MailSystem.freePort();
        try (MailSystem m = MailSystem.create("smtpd_tls_security_level = may\n"
                + "smtpd_tls_cert_file = " + cert.certFile() + "\nsmtpd_tls_key_file = " + cert.keyFile() + "\n"
                + "smtpd_tls_loglevel = 1\nsmtpd_tls_received_header = yes\n")) {
            Files.writeString(m.etc().resolve("master.cf"), "127.0.0.1:" + wrapperPort + " inet n - n - - smtpd\n"
                    + "  -o syslog_name=postfix/submissions\n  -o smtpd_tls_wrappermode=yes\n", StandardOpenOption.APPEND);
            m.start();
            WaitFor.condition("the wrapper-mode port", Duration.ofSeconds(30), () -> {
                try (Socket s = new Socket("127.0.0.1", wrapperPort)) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });

            // swaks over STARTTLS
            MailSystem.Result swaks = MailSystem.run(List.of("swaks", "-s", "127.0.0.1", "-p", Integer.toString(m.port()), "-tls",
                    "-f", "alice@example.org", "-t", USER + "@localhost", "--header", "Subject: swaks over tls"), null, Map.of(),
                    Duration.ofSeconds(60));
            assertEquals(0, swaks.status(), swaks.stdout() + swaks.stderr());
            assertTrue(swaks.stdout().contains("<-  220 2.0.0 Ready to start TLS") && swaks.stdout().contains("=== TLS started with cipher TLSv1.3"),
                    swaks.stdout());

            // Python smtplib: STARTTLS with the chain and the name checked against our CA; SMTP_SSL on 465-style port
            String py = """
                    import smtplib, ssl, sys
                    ctx = ssl.create_default_context(cafile=sys.argv[1])
                    s = smtplib.SMTP("127.0.0.1", int(sys.argv[2]))
                    s.ehlo("py.example"); s.starttls(context=ctx); s.ehlo("py.example")
                    assert "starttls" not in s.esmtp_features, s.esmtp_features
                    s.sendmail("alice@example.org", [sys.argv[4]], "Subject: smtplib starttls\\r\\n\\r\\nhi\\r\\n"); s.quit()
                    w = smtplib.SMTP_SSL("127.0.0.1", int(sys.argv[3]), context=ctx)
                    w.ehlo("py.example")
                    assert "starttls" not in w.esmtp_features, w.esmtp_features
                    w.sendmail("alice@example.org", [sys.argv[4]], "Subject: smtplib wrapper\\r\\n\\r\\nhi\\r\\n"); w.quit()
                    print("ok")
                    """;
            MailSystem.Result pr = MailSystem.run(List.of(SmtpReceiver.PYTHON.toString(), "-c", py, ca.caFile().toString(),
                    Integer.toString(m.port()), Integer.toString(wrapperPort), USER + "@localhost"), null, Map.of(), Duration.ofSeconds(60));
            assertEquals(0, pr.status(), pr.stdout() + pr.stderr() + m.log());

            // no protocol below TLS 1.2
            MailSystem.Result old = MailSystem.run(List.of("openssl", "s_client", "-starttls", "smtp", "-connect", "127.0.0.1:" + m.port(),
                    "-tls1_1"), "", Map.of(), Duration.ofSeconds(30));
            assertNotEquals(0, old.status(), old.stdout());
            MailSystem.Result tls12 = MailSystem.run(List.of("openssl", "s_client", "-starttls", "smtp", "-connect", "127.0.0.1:" + m.port(),
                    "-tls1_2", "-brief"), "QUIT\r\n", Map.of(), Duration.ofSeconds(30));
            assertTrue((tls12.stdout() + tls12.stderr()).contains("Protocol version: TLSv1.2"), tls12.stdout() + tls12.stderr());

            // CVE-2011-0411: a command pipelined behind STARTTLS is dropped, not answered inside TLS
            assertEquals("250 2.0.0 Ok", injectionProbe(m.port(), ca));

            // a plaintext client on the wrapper port
            try (RawSmtp plain = new RawSmtp(wrapperPort)) {
                plain.raw("EHLO plain.example\r\n");
                String r = plain.reply(); // nothing, or a TLS alert record: never a plaintext greeting
                assertTrue(r == null || !r.startsWith("220"), r);
            }

            WaitFor.condition("three messages delivered", Duration.ofSeconds(30), () -> MailSystem.maildir(m.spoolMaildir(USER)).size() >= 3);
            // the wrapper-mode smtpd logs the plaintext client's end after the client has gone: wait for it
            Pattern lost = Pattern.compile("postfix/submissions/smtpd\\[\\d+\\]: lost connection after CONNECT from localhost\\[127\\.0\\.0\\.1\\]");
            WaitFor.condition("the plaintext client's end in the log", Duration.ofSeconds(30), () -> lost.matcher(m.log()).find());
            String log = m.log();
            assertTrue(Pattern.compile("postfix/smtpd\\[\\d+\\]: Anonymous TLS connection established from localhost\\[127\\.0\\.0\\.1\\]: "
                    + "TLSv1\\.3 with cipher \\S+ \\(\\d+/\\d+ bits\\)").matcher(log).find(), log);
            assertTrue(Pattern.compile("postfix/submissions/smtpd\\[\\d+\\]: Anonymous TLS connection established from localhost").matcher(log).find(), log);
            assertTrue(log.contains(" ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7"), log);
            assertTrue(log.contains("postfix/submissions/smtpd["), log);
            assertTrue(Pattern.compile("postfix/submissions/smtpd\\[\\d+\\]: SSL_accept error from localhost\\[127\\.0\\.0\\.1\\]: -1").matcher(log).find(), log);
            assertTrue(Pattern.compile("postfix/submissions/smtpd\\[\\d+\\]: lost connection after CONNECT from localhost\\[127\\.0\\.0\\.1\\]").matcher(log).find(), log);
            String swaksMsg = find(m, "swaks over tls");
            assertTrue(Pattern.compile("Received: from \\S+ \\(localhost \\[127\\.0\\.0\\.1\\]\\)\n\t\\(using TLSv1\\.3 with cipher \\S+ \\(\\d+/\\d+ bits\\)\\)\n"
                    + "\t\\(No client certificate requested\\)\n\tby mail\\.example\\.com \\(Postfix\\) with ESMTPS id ").matcher(swaksMsg).find(), swaksMsg);
            assertTrue(find(m, "smtplib wrapper").contains("with ESMTPS id"));
        }
    }

    @Test
    void postfixAndPostroomSendToUsOverTls() throws Exception {
        assumeTrue(MailSystem.isRoot() && PostfixServer.available(), "needs root and Debian's postfix");
        Path work = Files.createTempDirectory("smtpd-tls", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        TestCa ca = TestCa.create(work, "Postroom Test CA");
        TestCa.Issued cert = ca.issue("mail", "mail.example.com", "127.0.0.1");
        try (MailSystem m = MailSystem.create("smtpd_tls_security_level = may\nsmtpd_tls_chain_files = " + chain(work, cert) + "\n"
                + "smtpd_tls_loglevel = 1\n")) {
            m.start();
            // Debian's Postfix relays to us with TLS required
            try (PostfixServer pf = PostfixServer.start(MailSystem.freePort(), "mynetworks = 127.0.0.0/8\nmydestination =\nsmtpd_client_restrictions =\n"
                    + "relayhost = [127.0.0.1]:" + m.port() + "\nsmtp_tls_security_level = encrypt\nsmtp_tls_loglevel = 1\n")) {
                SmtpClientIT.send(pf.port(), USER + "@localhost", "Subject: from postfix over tls\r\n\r\nbody\r\n");
                try {
                    WaitFor.condition("Postfix's message delivered", Duration.ofSeconds(60), () -> has(m, "from postfix over tls"));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\n" + pf.log() + "\n" + m.log(), e);
                }
                String plog = pf.log();
                assertTrue(Pattern.compile("TLS connection established to 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:" + m.port()
                        + ": TLSv1\\.3 with cipher").matcher(plog).find(), plog);
                assertTrue(plog.contains("status=sent (250 2.0.0 Ok: queued as"), plog);
            }
            // Postroom's smtp client at level verify: the chain against the CA, the name against the next hop
            try (MailSystem sender = MailSystem.create("mydestination =\nrelayhost = [127.0.0.1]:" + m.port() + "\nsmtp_tls_security_level = verify\n"
                    + "smtp_tls_CAfile = " + ca.caFile() + "\nsmtp_tls_loglevel = 1\n")) {
                sender.start();
                SmtpClientIT.send(sender.port(), USER + "@localhost", "Subject: from postroom verified\r\n\r\nbody\r\n");
                WaitFor.condition("the verified delivery", Duration.ofSeconds(60), () -> SmtpClientIT.line(sender.log(),
                        USER + "@localhost").contains("status="));
                String slog = sender.log();
                assertTrue(slog.contains("Verified TLS connection established to 127.0.0.1[127.0.0.1]:" + m.port() + ": TLSv1.3"), slog);
                assertTrue(SmtpClientIT.line(slog, USER + "@localhost").contains("status=sent"), slog);
            }
            assertTrue(Pattern.compile("Anonymous TLS connection established from localhost\\[127\\.0\\.0\\.1\\]").matcher(m.log()).find(), m.log());
        }
    }

    /** A chain file (smtpd_tls_chain_files): the key, then the certificate. */
    private static Path chain(Path work, TestCa.Issued cert) throws IOException {
        Path f = work.resolve("chain.pem");
        Files.writeString(f, Files.readString(cert.keyFile()) + Files.readString(cert.certFile()));
        f.toFile().setReadable(true, false);
        return f;
    }

    /**
     * EHLO, then "STARTTLS\r\nHELP\r\n" in one write; after the 220 the TLS handshake, then NOOP inside
     * TLS. Returns the first reply read inside TLS: "250 2.0.0 Ok" when the injected HELP was dropped
     * (a server that kept it would answer 214 first).
     */
    private static String injectionProbe(int port, TestCa ca) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            readReply(in);
            out.write("EHLO probe.example\r\n".getBytes(StandardCharsets.US_ASCII));
            readReply(in);
            out.write("STARTTLS\r\nHELP\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("220 2.0.0 Ready to start TLS", readReply(in));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(s, "127.0.0.1", port, true)) {
                tls.startHandshake();
                tls.getOutputStream().write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
                tls.getOutputStream().flush();
                return readReply(tls.getInputStream());
            }
        }
    }

    /** One reply, read a byte at a time so that nothing after it is consumed; multi-line replies end at "ddd ". */
    private static String readReply(InputStream in) throws IOException {
        String last;
        do {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) throw new IOException("connection closed");
                if (c != '\r') b.write(c);
            }
            last = b.toString(StandardCharsets.US_ASCII);
        } while (last.length() > 3 && last.charAt(3) == '-');
        return last;
    }

    private static boolean has(MailSystem m, String subject) {
        try {
            return find(m, subject) != null;
        } catch (IOException e) {
            return false;
        }
    }

    private static String find(MailSystem m, String subject) throws IOException {
        for (Path p : MailSystem.maildir(m.spoolMaildir(USER))) {
            String text = Files.readString(p, StandardCharsets.ISO_8859_1);
            if (text.contains("Subject: " + subject)) return text;
        }
        return null;
    }

    /** TLS session resumption (issue 9): a session saved by openssl s_client is resumed, TLS 1.2 (session IDs) and 1.3 (tickets). */
    @Test
    void sessionsAreResumed() throws Exception {
        assumeTrue(MailSystem.isRoot() && LocalDeliveryIT.onPath("openssl"), "needs root and openssl");
        Path work = Files.createTempDirectory("smtpd-tls", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        TestCa.Issued cert = TestCa.create(work, "Postroom Test CA").issue("mail", "mail.example.com", "127.0.0.1");
        try (MailSystem m = MailSystem.create("smtpd_tls_security_level = may\n"
                + "smtpd_tls_cert_file = " + cert.certFile() + "\nsmtpd_tls_key_file = " + cert.keyFile() + "\n")) {
            m.start();
            for (String version : List.of("-tls1_2", "-tls1_3")) {
                Path session = work.resolve("session" + version);
                // the client waits for the server's QUIT reply, so that a TLS 1.3 ticket has arrived before it saves
                String first = sClient(m.port(), version, "-sess_out", session);
                assertTrue(first.contains("\nNew, TLSv1." + version.charAt(6)), first);
                String again = sClient(m.port(), version, "-sess_in", session);
                assertTrue(again.contains("\nReused, TLSv1." + version.charAt(6)), version + ": " + again);
            }
        }
    }

    private static String sClient(int port, String version, String sessionOption, Path session) {
        MailSystem.Result r = MailSystem.run(List.of("openssl", "s_client", version, "-starttls", "smtp", "-connect", "127.0.0.1:" + port,
                sessionOption, session.toString(), "-ign_eof"), "QUIT\n", Map.of(), Duration.ofSeconds(30));
        return r.stdout() + r.stderr();
    }
}
