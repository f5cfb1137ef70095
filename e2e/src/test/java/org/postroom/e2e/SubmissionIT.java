package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.DovecotServer;
import org.postroom.testkit.SmtpReceiver;
import org.postroom.testkit.TestCa;
import org.postroom.testkit.WaitFor;

/**
 * Submission with Postfix's master.cf entries: "submission" (STARTTLS required, then AUTH) and
 * "submissions" (TLS at connect), with real clients (swaks, Python's smtplib, curl), first against the
 * built-in user table filled by postpasswd(1), then against a real Dovecot auth service. Before TLS
 * there is no AUTH and every command but EHLO/STARTTLS/NOOP/QUIT gets 530; a wrong password gets 535;
 * without AUTH nothing is relayed, with it anything is; the Received: header and the log name the user.
 */
class SubmissionIT {
    private static final String USER = MailSystem.localUser();

    /** The two services of Postfix's master.cf, on free ports, with the per-service overrides. */
    private static String services(int submission, int submissions) {
        String common = "  -o smtpd_sasl_auth_enable=yes\n  -o smtpd_reject_unlisted_recipient=no\n"
                + "  -o smtpd_client_restrictions=\n  -o smtpd_helo_restrictions=\n  -o smtpd_sender_restrictions=\n"
                + "  -o smtpd_relay_restrictions=\n  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject\n";
        return "127.0.0.1:" + submission + " inet n - n - - smtpd\n  -o syslog_name=postfix/submission\n"
                + "  -o smtpd_tls_security_level=encrypt\n  -o smtpd_tls_auth_only=yes\n" + common
                + "127.0.0.1:" + submissions + " inet n - n - - smtpd\n  -o syslog_name=postfix/submissions\n"
                + "  -o smtpd_tls_wrappermode=yes\n" + common;
    }

    private static MailSystem system(Path work, TestCa.Issued cert, String sasl, int submission, int submissions) throws IOException {
        MailSystem m = MailSystem.create("smtpd_tls_cert_file = " + cert.certFile() + "\nsmtpd_tls_key_file = " + cert.keyFile() + "\n"
                + "smtpd_tls_security_level = may\nsmtpd_tls_loglevel = 1\nsmtpd_tls_received_header = yes\nsmtpd_sasl_authenticated_header = yes\n" + sasl);
        Files.writeString(m.etc().resolve("master.cf"), services(submission, submissions), StandardOpenOption.APPEND);
        return m;
    }

    private static void waitPort(int port) {
        WaitFor.condition("port " + port, Duration.ofSeconds(30), () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void builtinUsers() throws Exception {
        assumeTrue(MailSystem.isRoot() && SmtpReceiver.available() && LocalDeliveryIT.onPath("swaks") && LocalDeliveryIT.onPath("curl"),
                "needs root, python3, swaks and curl");
        Path work = Files.createTempDirectory("submission", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        TestCa ca = TestCa.create(work, "Postroom Test CA");
        TestCa.Issued cert = ca.issue("mail", "mail.example.com", "127.0.0.1");
        Path users = work.resolve("sasl-users");
        int sub = MailSystem.freePort();
        int subs = MailSystem.freePort();
        try (MailSystem m = system(work, cert, "smtpd_sasl_type = builtin\nsmtpd_sasl_user_maps = hash:" + users + "\n", sub, subs)) {
            // the user table, as an admin makes it
            MailSystem.Result pw = m.tool("postpasswd", "s3cret pass\n", "-c", m.etc().toString(), "alice@example.com");
            assertEquals(0, pw.status(), pw.stderr());
            assertTrue(Files.readString(users).startsWith("alice@example.com {SHA512-CRYPT}$6$"), Files.readString(users));
            pw = m.tool("postpasswd", "scram pass\n", "-c", m.etc().toString(), "-s", "SCRAM-SHA-256", "bob@example.com");
            assertEquals(0, pw.status(), pw.stderr());
            Files.setPosixFilePermissions(users.resolveSibling("sasl-users.db"), PosixFilePermissions.fromString("rw-r--r--"));
            m.start();
            waitPort(sub);
            waitPort(subs);

            // before TLS: no AUTH offered, AUTH and MAIL refused
            try (RawSmtp c = new RawSmtp(sub)) {
                c.reply();
                String ehlo = c.send("EHLO c.example");
                assertTrue(ehlo.contains("250-STARTTLS"), ehlo);
                assertFalse(ehlo.contains("AUTH"), ehlo);
                assertEquals("530 5.7.0 Must issue a STARTTLS command first", c.send("AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHMzY3JldCBwYXNz"));
                assertEquals("530 5.7.0 Must issue a STARTTLS command first", c.send("MAIL FROM:<alice@example.com>"));
            }
            // swaks: STARTTLS, AUTH PLAIN, relay to a remote domain and to a local user
            MailSystem.Result sw = MailSystem.run(List.of("swaks", "-s", "127.0.0.1", "-p", Integer.toString(sub), "-tls",
                    "--auth", "PLAIN", "--auth-user", "alice@example.com", "--auth-password", "s3cret pass",
                    "-f", "alice@example.com", "-t", USER + "@localhost,carol@far.example", "--header", "Subject: swaks submission"),
                    null, Map.of(), Duration.ofSeconds(60));
            assertEquals(0, sw.status(), sw.stdout() + sw.stderr());
            assertTrue(sw.stdout().contains("235 2.7.0 Authentication successful"), sw.stdout());
            // a wrong password
            MailSystem.Result bad = MailSystem.run(List.of("swaks", "-s", "127.0.0.1", "-p", Integer.toString(sub), "-tls",
                    "--auth", "LOGIN", "--auth-user", "alice@example.com", "--auth-password", "wrong",
                    "-f", "alice@example.com", "-t", USER + "@localhost"), null, Map.of(), Duration.ofSeconds(60));
            assertTrue(bad.stdout().contains("535 5.7.8 Error: authentication failed: (reason unavailable)"), bad.stdout());
            // no AUTH: not even a local recipient on the submission port
            String noauth = MailSystem.run(List.of("swaks", "-s", "127.0.0.1", "-p", Integer.toString(sub), "-tls",
                    "-f", "alice@example.com", "-t", USER + "@localhost"), null, Map.of(), Duration.ofSeconds(60)).stdout();
            assertTrue(noauth.contains("554 5.7.1 <" + USER + "@localhost>: Recipient address rejected: Access denied"), noauth);
            // Python: STARTTLS + LOGIN, and SMTP_SSL + SCRAM-SHA-256 is not in smtplib: PLAIN on the wrapper port
            String py = """
                    import smtplib, ssl, sys
                    ctx = ssl.create_default_context(cafile=sys.argv[1])
                    s = smtplib.SMTP("127.0.0.1", int(sys.argv[2])); s.starttls(context=ctx); s.ehlo("py.example")
                    assert "PLAIN" in s.esmtp_features["auth"], s.esmtp_features
                    s.login("alice@example.com", "s3cret pass", initial_response_ok=False)
                    s.sendmail("alice@example.com", [sys.argv[4]], "Subject: smtplib submission\\r\\n\\r\\nhi\\r\\n"); s.quit()
                    w = smtplib.SMTP_SSL("127.0.0.1", int(sys.argv[3]), context=ctx); w.ehlo("py.example")
                    w.login("alice@example.com", "s3cret pass")
                    w.sendmail("alice@example.com", [sys.argv[4]], "Subject: smtplib submissions\\r\\n\\r\\nhi\\r\\n"); w.quit()
                    print("ok")
                    """;
            MailSystem.Result pr = MailSystem.run(List.of(SmtpReceiver.PYTHON.toString(), "-c", py, ca.caFile().toString(),
                    Integer.toString(sub), Integer.toString(subs), USER + "@localhost"), null, Map.of(), Duration.ofSeconds(60));
            assertEquals(0, pr.status(), pr.stdout() + pr.stderr() + m.log());
            // curl: implicit TLS (smtps://) with SCRAM-SHA-256 is not curl's; it uses PLAIN or LOGIN here
            Path mail = work.resolve("curl.eml");
            Files.writeString(mail, "Subject: curl submissions\r\n\r\nhi\r\n");
            MailSystem.Result cu = MailSystem.run(List.of("curl", "-sS", "--cacert", ca.caFile().toString(), "--url",
                    "smtps://127.0.0.1:" + subs, "--user", "bob@example.com:scram pass", "--login-options", "AUTH=SCRAM-SHA-256",
                    "--mail-from", "bob@example.com", "--mail-rcpt", USER + "@localhost", "-T", mail.toString()), null, Map.of(),
                    Duration.ofSeconds(60));
            boolean curlScram = cu.status() == 0;
            if (!curlScram) {
                // this curl has no SCRAM: bob's table entry cannot serve PLAIN/LOGIN either? It can: any scheme checks a password
                cu = MailSystem.run(List.of("curl", "-sS", "--cacert", ca.caFile().toString(), "--url", "smtps://127.0.0.1:" + subs,
                        "--user", "bob@example.com:scram pass", "--mail-from", "bob@example.com", "--mail-rcpt", USER + "@localhost",
                        "-T", mail.toString()), null, Map.of(), Duration.ofSeconds(60));
            }
            assertEquals(0, cu.status(), cu.stdout() + cu.stderr() + m.log());

            WaitFor.condition("four local deliveries", Duration.ofSeconds(30), () -> MailSystem.maildir(m.spoolMaildir(USER)).size() >= 4);
            String log = m.log();
            assertTrue(log.matches("(?s).*postfix/submission/smtpd\\[\\d+\\]: \\w+: client=localhost\\[127\\.0\\.0\\.1\\], sasl_method=PLAIN, "
                    + "sasl_username=alice@example.com\n.*"), log);
            assertTrue(log.matches("(?s).*postfix/submissions/smtpd\\[\\d+\\]: \\w+: client=localhost\\[127\\.0\\.0\\.1\\], sasl_method=\\S+, "
                    + "sasl_username=bob@example.com\n.*"), log);
            assertTrue(log.contains("warning: localhost[127.0.0.1]: SASL LOGIN authentication failed: (reason unavailable), "
                    + "sasl_username=alice@example.com"), log);
            assertFalse(log.contains("s3cret") || log.contains("scram pass"), "no password in the log");
            String msg = find(m, "swaks submission");
            assertTrue(msg.matches("(?s).*\nReceived: from \\S+ \\(localhost \\[127\\.0\\.0\\.1\\]\\)\n"
                    + "\t\\(using TLSv1\\.3 with cipher TLS_AES_\\d+_GCM_SHA\\d+ \\(\\d+/\\d+ bits\\)\\)\n(\t .*\n)?"
                    + "\t\\(No client certificate requested\\)\n\t\\(Authenticated sender: alice@example.com\\)\n"
                    + "\tby mail\\.example\\.com \\(Postfix\\) with ESMTPSA id .*"), msg);
            // the remote recipient was accepted (relayed with AUTH), not refused
            assertTrue(sw.stdout().contains(" ~> RCPT TO:<carol@far.example>\n<~  250 2.1.5 Ok"), sw.stdout());
            System.out.println("[e2e] curl over implicit TLS used " + (curlScram ? "SCRAM-SHA-256" : "PLAIN (no SCRAM in this curl)"));
        }
    }

    @Test
    void dovecotAuth() throws Exception {
        assumeTrue(MailSystem.isRoot() && DovecotServer.available() && LocalDeliveryIT.onPath("swaks"), "needs root, Dovecot and swaks");
        Path work = Files.createTempDirectory("submission", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        TestCa ca = TestCa.create(work, "Postroom Test CA");
        TestCa.Issued cert = ca.issue("mail", "mail.example.com", "127.0.0.1");
        int sub = MailSystem.freePort();
        int subs = MailSystem.freePort();
        try (DovecotServer dovecot = DovecotServer.start(List.of("alice@sub.test"));
             MailSystem m = system(work, cert, "smtpd_sasl_type = dovecot\nsmtpd_sasl_path = " + dovecot.authSocket() + "\n", sub, subs)) {
            m.start();
            waitPort(sub);
            MailSystem.Result sw = MailSystem.run(List.of("swaks", "-s", "127.0.0.1", "-p", Integer.toString(sub), "-tls",
                    "--auth", "LOGIN", "--auth-user", "alice@sub.test", "--auth-password", DovecotServer.PASSWORD,
                    "-f", "alice@sub.test", "-t", USER + "@localhost", "--header", "Subject: via dovecot auth"), null, Map.of(),
                    Duration.ofSeconds(60));
            assertEquals(0, sw.status(), sw.stdout() + sw.stderr() + m.log() + dovecot.log());
            assertTrue(sw.stdout().contains("250-AUTH PLAIN LOGIN"), sw.stdout());
            MailSystem.Result bad = MailSystem.run(List.of("swaks", "-s", "127.0.0.1", "-p", Integer.toString(sub), "-tls",
                    "--auth", "PLAIN", "--auth-user", "alice@sub.test", "--auth-password", "wrong",
                    "-f", "alice@sub.test", "-t", USER + "@localhost"), null, Map.of(), Duration.ofSeconds(60));
            assertTrue(bad.stdout().contains("535 5.7.8 Error: authentication failed: "), bad.stdout());
            WaitFor.condition("delivered", Duration.ofSeconds(30), () -> find(m, "via dovecot auth") != null);
            assertTrue(find(m, "via dovecot auth").contains("(Authenticated sender: alice@sub.test)"));
            String log = m.log();
            assertTrue(log.contains("sasl_method=LOGIN, sasl_username=alice@sub.test"), log);
            assertTrue(log.contains("SASL PLAIN authentication failed: "), log);
        }
    }

    private static String find(MailSystem m, String subject) {
        for (Path p : MailSystem.maildir(m.spoolMaildir(USER))) {
            try {
                String text = Files.readString(p, StandardCharsets.ISO_8859_1);
                if (text.contains("Subject: " + subject)) return text;
            } catch (IOException e) {
                // being written
            }
        }
        return null;
    }
}
