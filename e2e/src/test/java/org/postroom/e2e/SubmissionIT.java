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
 * "submissions" (TLS at connect), with real clients (swaks, msmtp, s-nail, mutt, curl, Python's smtplib and
 * Angus Mail, see {@link SubmissionClients}), first against the
 * built-in user table filled by postpasswd(1), then against a real Dovecot auth service. Before TLS
 * there is no AUTH and every command but EHLO/STARTTLS/NOOP/QUIT gets 530; a wrong password gets 535;
 * without AUTH nothing is relayed, with it anything is; the Received: header and the log name the user.
 */
class SubmissionIT {
    private static final String USER = MailSystem.localUser();

    /** The two services of Postfix's master.cf, on free ports, with the per-service overrides. */
    private static String services(int submission, int submissions, String submissionsExtra) {
        String common = "  -o smtpd_sasl_auth_enable=yes\n  -o smtpd_reject_unlisted_recipient=no\n"
                + "  -o smtpd_client_restrictions=\n  -o smtpd_helo_restrictions=\n  -o smtpd_sender_restrictions=\n"
                + "  -o smtpd_relay_restrictions=\n  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject\n";
        return "127.0.0.1:" + submission + " inet n - n - - smtpd\n  -o syslog_name=postfix/submission\n"
                + "  -o smtpd_tls_security_level=encrypt\n  -o smtpd_tls_auth_only=yes\n" + common
                + "127.0.0.1:" + submissions + " inet n - n - - smtpd\n  -o syslog_name=postfix/submissions\n"
                + "  -o smtpd_tls_wrappermode=yes\n" + submissionsExtra + common;
    }

    private static MailSystem system(Path work, TestCa.Issued cert, String sasl, int submission, int submissions, String submissionsExtra)
            throws IOException {
        MailSystem m = MailSystem.create("smtpd_tls_cert_file = " + cert.certFile() + "\nsmtpd_tls_key_file = " + cert.keyFile() + "\n"
                + "smtpd_tls_security_level = may\nsmtpd_tls_loglevel = 1\nsmtpd_tls_received_header = yes\nsmtpd_sasl_authenticated_header = yes\n" + sasl);
        Files.writeString(m.etc().resolve("master.cf"), services(submission, submissions, submissionsExtra), StandardOpenOption.APPEND);
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
        TestCa.Issued cert = ca.issue("mail", "mail.example.com", "localhost", "127.0.0.1");
        Path users = work.resolve("sasl-users");
        int sub = MailSystem.freePort();
        int subs = MailSystem.freePort();
        try (MailSystem m = system(work, cert, "smtpd_sasl_type = builtin\nsmtpd_sasl_user_maps = hash:" + users + "\n", sub, subs,
                "  -o smtpd_sasl_builtin_mechanisms=PLAIN,LOGIN,SCRAM-SHA-256\n")) {
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
            // every real client, PLAIN or LOGIN as each prefers, over STARTTLS and TLS at connect
            SubmissionClients clients = new SubmissionClients(work, ca.caFile(), sub, subs, "alice@example.com", "s3cret pass", USER + "@localhost");
            List<String> subjects = clients.send();
            // bob's {SCRAM-SHA-256} entry: SCRAM with msmtp and mutt where the service offers it
            SubmissionClients scram = new SubmissionClients(work, ca.caFile(), sub, subs, "bob@example.com", "scram pass", USER + "@localhost");
            List<String> scramSubjects = scram.sendScram();
            // swaks relays to a remote domain with AUTH (accepted: the queue holds it for far.example)
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
            // repeated failures are slowed: three wrong passwords in one session take at least three seconds
            String slow = """
                    import smtplib, ssl, sys, time
                    s = smtplib.SMTP_SSL("localhost", int(sys.argv[2]), context=ssl.create_default_context(cafile=sys.argv[1]))
                    s.ehlo("py.example"); t0 = time.monotonic(); codes = []
                    for i in range(3):
                        try: s.login("alice@example.com", "wrong %d" % i)
                        except smtplib.SMTPAuthenticationError as e: codes.append(e.smtp_code)
                    print("%.2f %s" % (time.monotonic() - t0, codes)); s.quit()
                    """;
            MailSystem.Result sl = MailSystem.run(List.of(SmtpReceiver.PYTHON.toString(), "-c", slow, ca.caFile().toString(),
                    Integer.toString(subs)), null, Map.of(), Duration.ofSeconds(60));
            assertEquals(0, sl.status(), sl.stdout() + sl.stderr());
            String[] timing = sl.stdout().strip().split(" ", 2);
            assertEquals("[535, 535, 535]", timing[1], sl.stdout());
            assertTrue(Double.parseDouble(timing[0]) >= 2.9, "three failed AUTHs took " + timing[0] + " s");

            WaitFor.condition("every client's message", Duration.ofSeconds(60),
                    () -> MailSystem.maildir(m.spoolMaildir(USER)).size() >= subjects.size() + scramSubjects.size() + 1);
            SubmissionClients.assertDelivered(subjects, texts(m), "alice@example.com");
            SubmissionClients.assertDelivered(scramSubjects, texts(m), "bob@example.com");
            System.out.println("[e2e] submitted with " + subjects.size() + " client runs; not installed: " + clients.missing);
            String log = m.log();
            assertTrue(log.matches("(?s).*postfix/submission/smtpd\\[\\d+\\]: \\w+: client=localhost\\[127\\.0\\.0\\.1\\], sasl_method=PLAIN, "
                    + "sasl_username=alice@example.com\n.*"), log);
            assertTrue(log.matches("(?s).*postfix/submissions/smtpd\\[\\d+\\]: \\w+: client=localhost\\[127\\.0\\.0\\.1\\], sasl_method=SCRAM-SHA-256, "
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
        }
    }

    @Test
    void dovecotAuth() throws Exception {
        assumeTrue(MailSystem.isRoot() && DovecotServer.available() && LocalDeliveryIT.onPath("swaks"), "needs root, Dovecot and swaks");
        Path work = Files.createTempDirectory("submission", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        TestCa ca = TestCa.create(work, "Postroom Test CA");
        TestCa.Issued cert = ca.issue("mail", "mail.example.com", "localhost", "127.0.0.1");
        int sub = MailSystem.freePort();
        int subs = MailSystem.freePort();
        try (DovecotServer dovecot = DovecotServer.start(List.of("alice@sub.test"));
             MailSystem m = system(work, cert, "smtpd_sasl_type = dovecot\nsmtpd_sasl_path = " + dovecot.authSocket() + "\n", sub, subs, "")) {
            m.start();
            waitPort(sub);
            waitPort(subs);
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
            SubmissionClients clients = new SubmissionClients(work, ca.caFile(), sub, subs, "alice@sub.test", DovecotServer.PASSWORD, USER + "@localhost");
            List<String> subjects = clients.send();
            WaitFor.condition("delivered", Duration.ofSeconds(60), () -> MailSystem.maildir(m.spoolMaildir(USER)).size() >= subjects.size() + 1);
            SubmissionClients.assertDelivered(subjects, texts(m), "alice@sub.test");
            assertTrue(find(m, "via dovecot auth").contains("(Authenticated sender: alice@sub.test)"));
            String log = m.log();
            assertTrue(log.contains("sasl_method=LOGIN, sasl_username=alice@sub.test"), log);
            assertTrue(log.contains("SASL PLAIN authentication failed: "), log);
        }
    }

    private static List<String> texts(MailSystem m) {
        List<String> out = new java.util.ArrayList<>();
        for (Path p : MailSystem.maildir(m.spoolMaildir(USER))) {
            try {
                out.add(Files.readString(p, StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // being written
            }
        }
        return out;
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
