package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.TestCa;
import org.postroom.testkit.WaitFor;

/**
 * The security probes of the secure edge (issue 9), against one Postroom with three listeners: a port
 * 25 one (STARTTLS at level may), "submission" (STARTTLS required, then AUTH) and "submissions" (TLS
 * at connect, then AUTH), a certificate from a test CA, and the client 127.0.0.1 outside mynetworks.
 * They prove that: a command pipelined behind STARTTLS is never answered inside TLS, and TLS starts
 * from a reset session (CVE-2011-0411); testssl.sh finds no SSL, TLS 1.0 or 1.1, no NULL, export,
 * RC4, DES, 3DES or anonymous cipher, no client-initiated renegotiation and no vulnerability of
 * severity HIGH or CRITICAL on either kind of listener; posttls-finger verifies the chain and the
 * name at level secure, for TLS 1.3 and 1.2, and is refused TLS 1.1; SmugglingIT's end-of-data
 * smuggling streams, sent after AUTH over TLS, smuggle no message; garbage, a truncated record or
 * silence instead of a ClientHello ends the session as Postfix does (at once, or when
 * smtpd_starttls_timeout passes) while other clients of the same listener are served; and a 10 MB AUTH
 * response gets Postfix's reply and warning without harm to the service, while a response longer than
 * line_length_limit but within smtpd_sasl_response_limit is read like any other.
 */
class TlsProbesIT {
    private static final String USER = MailSystem.localUser();
    private static final String LOGIN = "alice@example.com";
    private static final String PASSWORD = "probe pass";
    /** A login whose PLAIN response is longer than line_length_limit (2048), within smtpd_sasl_response_limit (12288). */
    private static final String LONG_LOGIN = "token@example.com";
    private static final String LONG_PASSWORD = "t".repeat(3000);
    private static final Duration STARTTLS_TIMEOUT = Duration.ofSeconds(5);
    /** How much later than smtpd_starttls_timeout a hung handshake may end, on a busy 2-core machine. */
    private static final Duration MARGIN = Duration.ofSeconds(5);
    private static final int TEN_MB = 10 * 1024 * 1024;
    /** A TLS handshake record announcing 512 bytes of ClientHello, cut off after 9 of them. */
    private static final byte[] TRUNCATED_RECORD = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03, 0x5a, 0x5a, 0x5a};

    private static Path work;
    private static TestCa ca;
    private static MailSystem m;
    private static int submission;
    private static int submissions;
    private static SSLContext trusting;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(MailSystem.isRoot(), "needs root");
        work = Files.createTempDirectory("tls-probes", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        ca = TestCa.create(work, "Postroom Test CA");
        TestCa.Issued cert = ca.issue("mail", "mail.example.com", "127.0.0.1");
        submission = MailSystem.freePort();
        submissions = MailSystem.freePort();
        Path users = work.resolve("sasl-users");
        m = MailSystem.create("smtpd_tls_cert_file = " + cert.certFile() + "\nsmtpd_tls_key_file = " + cert.keyFile() + "\n"
                + "smtpd_tls_security_level = may\nsmtpd_tls_loglevel = 1\nsmtpd_starttls_timeout = " + STARTTLS_TIMEOUT.toSeconds() + "s\n"
                + "smtpd_helo_required = yes\nmynetworks = 127.0.0.2/32\n"
                + "smtpd_sasl_type = builtin\nsmtpd_sasl_user_maps = hash:" + users + "\n");
        Files.writeString(m.etc().resolve("master.cf"), services(), StandardOpenOption.APPEND);
        for (String[] u : List.of(new String[] {LOGIN, PASSWORD}, new String[] {LONG_LOGIN, LONG_PASSWORD})) {
            MailSystem.Result pw = m.tool("postpasswd", u[1] + "\n", "-c", m.etc().toString(), u[0]);
            assertEquals(0, pw.status(), pw.stderr());
        }
        Files.setPosixFilePermissions(users.resolveSibling("sasl-users.db"), PosixFilePermissions.fromString("rw-r--r--"));
        m.start();
        waitPort(submission);
        waitPort(submissions);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
    }

    /**
     * Postfix's submission and submissions entries (3.12's master.cf, which turns
     * smtpd_forbid_unauth_pipelining off for them), on free ports.
     */
    private static String services() {
        String common = "  -o smtpd_forbid_unauth_pipelining=no\n  -o smtpd_sasl_auth_enable=yes\n  -o smtpd_reject_unlisted_recipient=no\n"
                + "  -o smtpd_client_restrictions=\n  -o smtpd_helo_restrictions=\n  -o smtpd_sender_restrictions=\n"
                + "  -o smtpd_relay_restrictions=\n  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject\n";
        return "127.0.0.1:" + submission + " inet n - n - - smtpd\n  -o syslog_name=postfix/submission\n"
                + "  -o smtpd_tls_security_level=encrypt\n  -o smtpd_tls_auth_only=yes\n" + common
                + "127.0.0.1:" + submissions + " inet n - n - - smtpd\n  -o syslog_name=postfix/submissions\n"
                + "  -o smtpd_tls_wrappermode=yes\n" + common;
    }

    // 1. CVE-2011-0411

    @Test
    void aCommandPipelinedBehindStarttlsIsNotAnsweredInsideTls() throws Exception {
        for (int port : List.of(m.port(), submission)) {
            try (Client c = new Client(port)) {
                assertTrue(c.reply().startsWith("220 "));
                assertTrue(c.send("EHLO probe.example").contains("\n250-STARTTLS\n"));
                c.write("STARTTLS\r\nNOOP\r\n");
                assertEquals("220 2.0.0 Ready to start TLS", c.reply());
                c.startTls();
                // a server that kept the plaintext NOOP would answer "250 2.0.0 Ok" first
                String first = c.send("EHLO probe.example");
                assertTrue(first.startsWith("250-mail.example.com\n") && first.endsWith("\n250 CHUNKING"),
                        "port " + port + ": the first reply inside TLS must be EHLO's: " + first);
                assertFalse(first.contains("STARTTLS"), first);
                assertEquals("250 2.0.0 Ok", c.send("NOOP"));
                assertEquals("221 2.0.0 Bye", c.send("QUIT"));
            }
        }
        // TLS starts a new session: HELO and the transaction begun in plaintext are gone
        try (Client c = new Client(m.port())) {
            c.reply();
            c.send("EHLO probe.example");
            assertEquals("250 2.1.0 Ok", c.send("MAIL FROM:<probe@example.org>"));
            assertEquals("220 2.0.0 Ready to start TLS", c.send("STARTTLS"));
            c.startTls();
            assertEquals("503 5.5.1 Error: send HELO/EHLO first", c.send("MAIL FROM:<probe@example.org>"));
            assertTrue(c.send("EHLO probe.example").startsWith("250-"));
            assertEquals("503 5.5.1 Error: need MAIL command", c.send("RCPT TO:<" + USER + "@localhost>"));
            assertEquals("221 2.0.0 Bye", c.send("QUIT"));
        }
        // the injected NOOP was never run: only the one sent inside TLS is counted
        awaitLog(0, "postfix/smtpd", "disconnect from localhost[127.0.0.1] ehlo=2 starttls=1 noop=1 quit=1 commands=5");
        awaitLog(0, "postfix/submission/smtpd", "disconnect from localhost[127.0.0.1] ehlo=2 starttls=1 noop=1 quit=1 commands=5");
        assertNoCrash();
    }

    // 2. testssl.sh

    @Test
    void testsslFindsNoWeakProtocolCipherOrVulnerability() {
        assumeTrue(LocalDeliveryIT.onPath("testssl"), "testssl.sh not installed");
        long t0 = System.nanoTime();
        Map<String, Finding> starttls = testssl(m.port(), "--starttls", "smtp");
        long t1 = System.nanoTime();
        Map<String, Finding> wrapper = testssl(submissions);
        long t2 = System.nanoTime();
        System.out.printf("[e2e] testssl: STARTTLS %ds, wrapper mode %ds%n", (t1 - t0) / 1_000_000_000, (t2 - t1) / 1_000_000_000);
        check("port 25 (STARTTLS)", starttls);
        check("submissions (wrapper mode)", wrapper);
        assertNoCrash();
    }

    /** One testssl finding: its id, severity and text, from the CSV file. */
    private record Finding(String id, String severity, String text) {
        @Override
        public String toString() {
            return id + " " + severity + " " + text;
        }
    }

    /** Protocols, cipher categories and vulnerabilities (a couple of minutes at most on 2 cores). */
    private static Map<String, Finding> testssl(int port, String... mode) {
        Path csv = work.resolve("testssl-" + port + ".csv");
        List<String> cmd = new ArrayList<>(List.of("testssl", "--quiet", "--color", "0", "--nodns", "none", "--warnings", "off",
                "--protocols", "--std", "--vulnerable", "--csvfile", csv.toString()));
        cmd.addAll(List.of(mode));
        cmd.add("127.0.0.1:" + port);
        MailSystem.Result r = MailSystem.run(cmd, null, Map.of(), Duration.ofSeconds(240));
        Map<String, Finding> out = new LinkedHashMap<>();
        try {
            Pattern field = Pattern.compile("\"((?:[^\"]|\"\")*)\"");
            for (String line : Files.readAllLines(csv)) {
                List<String> f = new ArrayList<>();
                Matcher mt = field.matcher(line);
                while (mt.find()) f.add(mt.group(1).replace("\"\"", "\""));
                if (f.size() >= 5 && !f.getFirst().equals("id")) out.put(f.get(0), new Finding(f.get(0), f.get(3), f.get(4)));
            }
        } catch (IOException e) {
            throw new AssertionError("testssl wrote no CSV (exit " + r.status() + "):\n" + r.stdout() + r.stderr(), e);
        }
        return out;
    }

    private static void check(String where, Map<String, Finding> f) {
        String all = where + ", all findings:\n  " + String.join("\n  ", f.values().stream().map(Finding::toString).toList());
        for (String id : List.of("SSLv2", "SSLv3", "TLS1", "TLS1_1")) assertEquals("not offered", text(f, id, all), id + ": " + all);
        for (String id : List.of("TLS1_2", "TLS1_3")) assertTrue(text(f, id, all).startsWith("offered"), id + ": " + all);
        for (String id : List.of("cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_LOW", "cipherlist_3DES_IDEA")) {
            assertEquals("not offered", text(f, id, all), id + ": " + all);
        }
        assertTrue(text(f, "cipherlist_STRONG", all).startsWith("offered"), all);
        // each vulnerability was tested, and none was found
        for (String id : List.of("heartbleed", "CCS", "ROBOT", "secure_renego", "secure_client_renego", "CRIME_TLS", "POODLE_SSL",
                "fallback_SCSV", "SWEET32", "FREAK", "DROWN", "LOGJAM", "BEAST", "LUCKY13", "RC4")) {
            text(f, id, all);
        }
        assertTrue(text(f, "RC4", all).startsWith("not vulnerable"), all);
        // Postfix sets SSL_OP_NO_RENEGOTIATION: a client cannot make the server redo the handshake (a CPU DoS)
        assertTrue(text(f, "secure_client_renego", all).startsWith("not vulnerable"), all);
        List<Finding> bad = f.values().stream().filter(x -> List.of("HIGH", "CRITICAL", "FATAL").contains(x.severity())).toList();
        assertTrue(bad.isEmpty(), where + ": findings of severity HIGH or worse: " + bad + "\n" + all);
    }

    private static String text(Map<String, Finding> f, String id, String all) {
        Finding x = f.get(id);
        if (x == null) fail("testssl reported nothing for " + id + "\n" + all);
        return x.text();
    }

    // 3. posttls-finger

    @Test
    void posttlsFingerVerifiesTheCertificateOnBothListeners() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/posttls-finger")), "Debian's postfix (posttls-finger) not installed");
        // its own empty main.cf, so that the host's /etc/postfix plays no part
        Path cf = Files.createDirectories(work.resolve("posttls-finger"));
        Files.writeString(cf.resolve("main.cf"), "");
        for (int port : List.of(m.port(), submissions)) {
            boolean wrapper = port == submissions;
            String at = "127.0.0.1[127.0.0.1]:" + port;
            String tls13 = finger(cf, port, wrapper, "mail.example.com");
            assertTrue(tls13.contains(at + ": matched peername: mail.example.com"), tls13);
            assertTrue(Pattern.compile("Verified TLS connection established to " + Pattern.quote(at) + ": TLSv1\\.3 with cipher TLS_\\S+ \\(\\d+/\\d+ bits\\)")
                    .matcher(tls13).find(), tls13);
            String tls12 = finger(cf, port, wrapper, "mail.example.com", "-p", "<=TLSv1.2");
            assertTrue(Pattern.compile("Verified TLS connection established to " + Pattern.quote(at) + ": TLSv1\\.2 with cipher ECDHE-\\S+ \\(\\d+/\\d+ bits\\)")
                    .matcher(tls12).find(), tls12);
            // the server refuses TLS 1.1 with a protocol_version alert
            String tls11 = finger(cf, port, wrapper, "mail.example.com", "-p", "<=TLSv1.1");
            assertTrue(tls11.contains("SSL_connect error to " + at) && tls11.contains("alert protocol version"), tls11);
            assertFalse(tls11.contains("TLS connection established"), tls11);
            // "Verified" means something: another name is not matched, and the connection is only Untrusted
            String other = finger(cf, port, wrapper, "other.example.com");
            assertTrue(other.contains("server certificate verification failed for " + at + ": num=62:hostname mismatch"), other);
            assertTrue(other.contains("Untrusted TLS connection established to " + at + ": TLSv1.3"), other);
        }
        assertNoCrash();
    }

    /** posttls-finger at level secure with the test CA; the match name last. Returns what it logged. */
    private static String finger(Path cf, int port, boolean wrapper, String name, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("posttls-finger", "-c", "-l", "secure", "-F", ca.caFile().toString()));
        if (wrapper) cmd.add("-w");
        cmd.addAll(List.of(extra));
        cmd.add("[127.0.0.1]:" + port);
        cmd.add(name);
        MailSystem.Result r = MailSystem.run(cmd, null, Map.of("MAIL_CONFIG", cf.toString()), Duration.ofSeconds(60));
        return r.stdout() + r.stderr();
    }

    // 4. SMTP smuggling over TLS, after AUTH

    @Test
    void smugglingStreamsOverTlsAfterAuthSmuggleNothing() throws Exception {
        Path maildir = m.root().resolve("out/maildiruser");
        int before = MailSystem.maildir(maildir).size();
        List<String> dialogs = new ArrayList<>();
        for (boolean implicit : List.of(false, true)) {
            for (Map.Entry<String, String> a : SmugglingIT.ATTACKS.entrySet()) {
                try (Client c = authenticated(implicit)) {
                    c.write("MAIL FROM:<" + LOGIN + ">\r\nRCPT TO:<maildiruser@localhost>\r\nDATA\r\n" + a.getValue() + "QUIT\r\n");
                    String replies = c.rest();
                    String what = (implicit ? "submissions" : "submission") + ", " + a.getKey() + ": " + replies;
                    dialogs.add(what);
                    // the outer message is queued, and no second transaction is
                    assertEquals(1, replies.split("queued as", -1).length - 1, what);
                    assertTrue(replies.endsWith("221 2.0.0 Bye"), what);
                }
            }
        }
        int sent = 2 * SmugglingIT.ATTACKS.size();
        WaitFor.condition(sent + " outer messages delivered", Duration.ofSeconds(60), () -> MailSystem.maildir(maildir).size() == before + sent);
        String log = m.log();
        assertFalse(log.contains("from=<" + SmugglingIT.SMUGGLED_SENDER + ">"), "a smuggled message was queued:\n" + String.join("\n", dialogs) + "\n" + log);
        for (Path p : MailSystem.maildir(m.spoolMaildir(USER))) {
            assertFalse(Files.readString(p, StandardCharsets.ISO_8859_1).startsWith("Return-Path: <" + SmugglingIT.SMUGGLED_SENDER + ">"), p.toString());
        }
        assertNoCrash();
    }

    /** A client that has done STARTTLS (or TLS at connect), EHLO and AUTH PLAIN as LOGIN. */
    private static Client authenticated(boolean implicit) throws IOException {
        Client c = tlsEhlo(implicit);
        assertEquals("235 2.7.0 Authentication successful", c.send("AUTH PLAIN " + plain(LOGIN, PASSWORD)));
        return c;
    }

    /** A client inside TLS after EHLO, on submission (STARTTLS) or submissions (TLS at connect). */
    private static Client tlsEhlo(boolean implicit) throws IOException {
        Client c = new Client(implicit ? submissions : submission);
        if (implicit) c.startTls();
        assertTrue(c.reply().startsWith("220 "));
        if (!implicit) {
            c.send("EHLO probe.example");
            assertEquals("220 2.0.0 Ready to start TLS", c.send("STARTTLS"));
            c.startTls();
        }
        String ehlo = c.send("EHLO probe.example");
        assertTrue(ehlo.contains("\n250-AUTH PLAIN"), ehlo);
        return c;
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    // 5. Bad TLS input

    @Test
    void badTlsInputEndsTheSessionAsPostfixDoesWhileOthersAreServed() throws Exception {
        // (a) garbage instead of a ClientHello: the handshake fails at once
        int at = m.log().length();
        try (Client c = starttls(m.port())) {
            c.write("GET / HTTP/1.0\r\nHost: not a ClientHello\r\n\r\n");
            Duration took = c.untilClosed(STARTTLS_TIMEOUT.plus(MARGIN));
            assertTrue(took.compareTo(STARTTLS_TIMEOUT) < 0, "garbage: the session should end at once, took " + took);
        }
        awaitLog(at, "postfix/smtpd", "SSL_accept error from localhost[127.0.0.1]: -1", "warning: TLS library problem: ",
                "lost connection after STARTTLS from localhost[127.0.0.1]", "disconnect from localhost[127.0.0.1] ehlo=1 starttls=0/1 commands=1/2");

        // (b) a truncated TLS record and then silence, (c) nothing at all after STARTTLS: smtpd_starttls_timeout
        // ends them, and meanwhile another client of the same listener gets its greeting and sends a message
        for (byte[] input : List.of(TRUNCATED_RECORD, new byte[0])) {
            String what = input.length == 0 ? "silence" : "a truncated record";
            at = m.log().length();
            try (Client c = starttls(m.port())) {
                long t0 = System.nanoTime();
                c.write(input);
                String subject = "served beside " + what;
                try (Client other = new Client(m.port())) {
                    assertTrue(other.reply().startsWith("220 mail.example.com ESMTP"));
                    other.send("EHLO other.example");
                    sendMessage(other, USER + "@localhost", subject);
                }
                Duration served = Duration.ofNanos(System.nanoTime() - t0);
                Duration took = c.untilClosed(STARTTLS_TIMEOUT.plus(MARGIN)).plus(served);
                assertTrue(served.compareTo(took) < 0, what + ": the other client was served only after the hung session ended");
                assertTrue(took.compareTo(STARTTLS_TIMEOUT.minusMillis(500)) >= 0, what + ": ended before smtpd_starttls_timeout: " + took);
                System.out.printf("[e2e] %s after STARTTLS: the session ended after %d ms; another client was served in %d ms%n",
                        what, took.toMillis(), served.toMillis());
                WaitFor.condition("the message sent beside " + what, Duration.ofSeconds(30), () -> find(subject) != null);
            }
            awaitLog(at, "postfix/smtpd", "SSL_accept error from localhost[127.0.0.1]: Connection timed out", "lost connection after STARTTLS from localhost[127.0.0.1]",
                    "disconnect from localhost[127.0.0.1] ehlo=1 starttls=0/1 commands=1/2");
        }

        // (d) wrapper mode: garbage at connect fails at once; silence at connect times out while a real client gets in
        at = m.log().length();
        try (Client c = new Client(submissions)) {
            c.write("EHLO plaintext.example\r\n");
            Duration took = c.untilClosed(STARTTLS_TIMEOUT.plus(MARGIN));
            assertTrue(took.compareTo(STARTTLS_TIMEOUT) < 0, "wrapper-mode garbage: the session should end at once, took " + took);
        }
        awaitLog(at, "postfix/submissions/smtpd", "SSL_accept error from localhost[127.0.0.1]: -1",
                "lost connection after CONNECT from localhost[127.0.0.1]", "disconnect from localhost[127.0.0.1] commands=0/0");
        at = m.log().length();
        try (Client c = new Client(submissions)) {
            long t0 = System.nanoTime();
            String subject = "served beside a silent wrapper-mode client";
            try (Client other = authenticated(true)) {
                sendMessage(other, USER + "@localhost", subject);
            }
            Duration served = Duration.ofNanos(System.nanoTime() - t0);
            Duration took = c.untilClosed(STARTTLS_TIMEOUT.plus(MARGIN)).plus(served);
            assertTrue(served.compareTo(took) < 0, "the other wrapper-mode client was served only after the silent one ended");
            assertTrue(took.compareTo(STARTTLS_TIMEOUT.minusMillis(500)) >= 0, "wrapper mode: ended before smtpd_starttls_timeout: " + took);
            WaitFor.condition("the message sent beside the silent wrapper-mode client", Duration.ofSeconds(30), () -> find(subject) != null);
        }
        awaitLog(at, "postfix/submissions/smtpd", "SSL_accept error from localhost[127.0.0.1]: Connection timed out",
                "lost connection after CONNECT from localhost[127.0.0.1]");
        assertNoCrash();
    }

    /** A plaintext client that has said EHLO and STARTTLS and got the 220: the next bytes are the handshake's. */
    private static Client starttls(int port) throws IOException {
        Client c = new Client(port);
        assertTrue(c.reply().startsWith("220 "));
        c.send("EHLO probe.example");
        assertEquals("220 2.0.0 Ready to start TLS", c.send("STARTTLS"));
        return c;
    }

    /** MAIL, RCPT, DATA, the message and QUIT; returns the queue reply. */
    private static String sendMessage(Client c, String rcpt, String subject) throws IOException {
        assertEquals("250 2.1.0 Ok", c.send("MAIL FROM:<" + LOGIN + ">"));
        assertEquals("250 2.1.5 Ok", c.send("RCPT TO:<" + rcpt + ">"));
        assertEquals("354 End data with <CR><LF>.<CR><LF>", c.send("DATA"));
        String r = c.send("Subject: " + subject + "\r\n\r\nprobe\r\n.");
        assertTrue(r.startsWith("250 2.0.0 Ok: queued as "), r);
        assertEquals("221 2.0.0 Bye", c.send("QUIT"));
        return r;
    }

    // 6. Big AUTH

    @Test
    void aTenMegabyteAuthResponseGetsPostfixsReplyAndTheServiceGoesOn() throws Exception {
        String rssBefore = rss("postfix/submission/smtpd[");
        // AUTH PLAIN, then 10 MB of base64 as the response: over smtpd_sasl_response_limit
        int at = m.log().length();
        try (Client c = tlsEhlo(false)) {
            assertEquals("334 ", c.send("AUTH PLAIN"));
            long t0 = System.nanoTime();
            c.writeLine('A', TEN_MB);
            assertEquals("500 5.5.6 SASL response limit exceeded", c.reply());
            System.out.printf("[e2e] a 10 MB AUTH response was answered in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            // the session is still in step: AUTH works next
            assertEquals("235 2.7.0 Authentication successful", c.send("AUTH PLAIN " + plain(LOGIN, PASSWORD)));
            assertEquals("221 2.0.0 Bye", c.send("QUIT"));
        }
        awaitLog(at, "postfix/submission/smtpd", "warning: localhost[127.0.0.1]: request longer than 12288: " + "A".repeat(30) + "...",
                "disconnect from localhost[127.0.0.1] ehlo=2 starttls=1 auth=1/2 quit=1 commands=5/6");
        // the same 10 MB as an initial response: a command line over line_length_limit
        at = m.log().length();
        try (Client c = tlsEhlo(false)) {
            c.write("AUTH PLAIN ");
            c.writeLine('A', TEN_MB);
            assertEquals("500 5.5.2 mail.example.com Error: command too long", c.reply());
            assertEquals("235 2.7.0 Authentication successful", c.send("AUTH PLAIN " + plain(LOGIN, PASSWORD)));
            assertEquals("221 2.0.0 Bye", c.send("QUIT"));
        }
        awaitLog(at, "postfix/submission/smtpd", "warning: localhost[127.0.0.1]: request longer than 2048: AUTH PLAIN " + "A".repeat(19) + "...");
        // a response over line_length_limit but within smtpd_sasl_response_limit is read whole, as Postfix does
        String response = plain(LONG_LOGIN, LONG_PASSWORD);
        assertTrue(response.length() > 2048 && response.length() < 12288, "response length " + response.length());
        for (boolean implicit : List.of(false, true)) {
            try (Client c = tlsEhlo(implicit)) {
                assertEquals("334 ", c.send("AUTH PLAIN"));
                assertEquals("235 2.7.0 Authentication successful", c.send(response), "a " + response.length() + "-byte response");
                assertEquals("221 2.0.0 Bye", c.send("QUIT"));
            }
        }
        // and another client is served as usual
        String subject = "after the big AUTH";
        try (Client c = authenticated(false)) {
            sendMessage(c, USER + "@localhost", subject);
        }
        WaitFor.condition("the message after the big AUTH", Duration.ofSeconds(30), () -> find(subject) != null);
        System.out.println("[e2e] submission smtpd resident memory before / after the big AUTH: " + rssBefore + " / " + rss("postfix/submission/smtpd["));
        assertNoCrash();
    }

    /** The VmRSS of the smtpd whose log lines start with {@code prefix}, for the record. */
    private static String rss(String prefix) {
        Matcher pid = Pattern.compile(Pattern.quote(prefix) + "(\\d+)\\]").matcher(m.log());
        String last = null;
        while (pid.find()) last = pid.group(1);
        if (last == null) return "?";
        try {
            return Files.readAllLines(Path.of("/proc", last, "status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> l.substring(6).strip()).findFirst().orElse("?");
        } catch (IOException e) {
            return "? (" + e.getMessage() + ")";
        }
    }

    // helpers

    /** The master saw no service die, and nothing fatal was logged. */
    private static void assertNoCrash() {
        String log = m.log();
        for (String bad : List.of("exit status", "killed by signal", "fatal:", "panic:", "OutOfMemoryError")) {
            assertFalse(log.contains(bad), "\"" + bad + "\" in the log:\n" + log);
        }
    }

    /**
     * Waits until the log after offset {@code from} has lines of {@code program} ("postfix/smtpd",
     * "postfix/submissions/smtpd") containing each text, in order.
     */
    private static void awaitLog(int from, String program, String... texts) {
        try {
            WaitFor.condition(program + " log lines " + List.of(texts), Duration.ofSeconds(20), () -> inOrder(m.log().substring(from), program, texts));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nlog since:\n" + m.log().substring(from), e);
        }
    }

    private static boolean inOrder(String log, String program, String... texts) {
        Pattern p = Pattern.compile(" " + Pattern.quote(program) + "\\[\\d+\\]: ");
        List<String> lines = log.lines().filter(l -> p.matcher(l).find()).toList();
        int i = 0;
        for (String t : texts) {
            while (i < lines.size() && !lines.get(i).contains(t)) i++;
            if (i++ == lines.size()) return false;
        }
        return true;
    }

    private static String find(String subject) {
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

    private static void waitPort(int port) {
        WaitFor.condition("port " + port, Duration.ofSeconds(30), () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /**
     * One client connection, plaintext until {@link #startTls}; replies are read a byte at a time, so
     * that nothing after a reply (the server's first TLS bytes) is consumed by the plaintext reader.
     */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private Socket current;
        private InputStream in;
        private OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            current = socket;
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        /** The TLS handshake over this connection, with the chain and the name checked against the test CA. */
        void startTls() throws IOException {
            SSLSocket s = (SSLSocket) trusting.getSocketFactory().createSocket(socket, "mail.example.com", socket.getPort(), true);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            current = s;
            in = s.getInputStream();
            out = s.getOutputStream();
        }

        /** One reply, multi-line replies joined with '\n'; null when the server closed first. */
        String reply() throws IOException {
            StringBuilder b = new StringBuilder();
            while (true) {
                String line = line();
                if (line == null) return b.isEmpty() ? null : b.toString();
                if (!b.isEmpty()) b.append('\n');
                b.append(line);
                if (line.length() < 4 || line.charAt(3) != '-') return b.toString();
            }
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
                b.write(c);
            }
            String l = b.toString(StandardCharsets.ISO_8859_1);
            return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
        }

        String send(String line) throws IOException {
            write(line + "\r\n");
            return reply();
        }

        void write(String text) throws IOException {
            write(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        void write(byte[] b) throws IOException {
            out.write(b);
            out.flush();
        }

        /** {@code n} times {@code c}, then CRLF, in 64 KB writes. */
        void writeLine(char c, int n) throws IOException {
            byte[] chunk = new byte[65536];
            java.util.Arrays.fill(chunk, (byte) c);
            for (int left = n; left > 0; left -= chunk.length) out.write(chunk, 0, Math.min(left, chunk.length));
            write("\r\n");
        }

        /** Every reply until the server closes, joined with " | ". */
        String rest() throws IOException {
            List<String> all = new ArrayList<>();
            for (String r; (r = reply()) != null; ) all.add(r.replace("\n", " / "));
            return String.join(" | ", all);
        }

        /**
         * Reads (and drops: a TLS alert, say) until the server closes the connection; fails when it is
         * still open after {@code limit}. Returns how long that took.
         */
        Duration untilClosed(Duration limit) throws IOException {
            long t0 = System.nanoTime();
            current.setSoTimeout((int) limit.toMillis());
            InputStream raw = socket.getInputStream();
            byte[] b = new byte[4096];
            try {
                while (raw.read(b) >= 0) {
                    // the server may send an alert before it closes
                }
            } catch (SocketTimeoutException e) {
                fail("the session is still open after " + limit);
            } catch (SSLException | java.net.SocketException e) {
                // a reset is a close too
            }
            return Duration.ofNanos(System.nanoTime() - t0);
        }

        @Override
        public void close() throws IOException {
            current.close();
        }
    }
}
