package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Real mail clients submitting one message each, as a user sets them up: swaks, msmtp, s-nail, mutt,
 * curl, Python's smtplib and Angus Mail (Jakarta Mail), each on the submission port (STARTTLS, then AUTH)
 * or the submissions port (TLS at connect), verifying the server certificate against the test CA for the
 * name {@code localhost}. Each message's Subject is "via CLIENT on PORT-NAME"; {@link #send} returns them.
 * A client that is not installed is left out and named in {@link #missing}.
 */
final class SubmissionClients {
    private final Path work;
    private final Path caFile;
    private final int submission;
    private final int submissions;
    private final String login;
    private final String password;
    private final String from;
    private final String to;
    final List<String> missing = new ArrayList<>();

    SubmissionClients(Path work, Path caFile, int submission, int submissions, String login, String password, String to) {
        this.work = work;
        this.caFile = caFile;
        this.submission = submission;
        this.submissions = submissions;
        this.login = login;
        this.password = password;
        this.from = login;
        this.to = to;
    }

    /** Sends with every client there is; returns the subjects sent. */
    List<String> send() throws Exception {
        List<String> subjects = new ArrayList<>();
        swaks(subjects);
        msmtp(subjects);
        snail(subjects);
        mutt(subjects);
        curl(subjects);
        python(subjects);
        angus(subjects);
        return subjects;
    }

    private boolean have(String cmd) {
        if (LocalDeliveryIT.onPath(cmd)) return true;
        missing.add(cmd);
        return false;
    }

    private Path message(String subject) throws IOException {
        Path p = work.resolve(subject.replace(' ', '-') + ".eml");
        Files.writeString(p, "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\nSent by a real client.\r\n");
        return p;
    }

    private static void ok(String what, MailSystem.Result r) {
        assertEquals(0, r.status(), what + " failed:\n" + r.stdout() + r.stderr());
    }

    private static MailSystem.Result run(List<String> cmd, String stdin, Map<String, String> env) {
        return MailSystem.run(cmd, stdin, env, Duration.ofSeconds(60));
    }

    private void swaks(List<String> subjects) {
        if (!have("swaks")) return;
        String s1 = "via swaks on submission";
        ok("swaks", run(List.of("swaks", "-s", "localhost", "-p", Integer.toString(submission), "-tls", "--tls-verify",
                "--tls-ca-path", caFile.toString(), "-a", "PLAIN", "-au", login, "-ap", password, "-f", from, "-t", to,
                "--header", "Subject: " + s1), null, Map.of()));
        subjects.add(s1);
        String s2 = "via swaks on submissions";
        ok("swaks", run(List.of("swaks", "-s", "localhost", "-p", Integer.toString(submissions), "--tlsc", "--tls-verify",
                "--tls-ca-path", caFile.toString(), "-a", "LOGIN", "-au", login, "-ap", password, "-f", from, "-t", to,
                "--header", "Subject: " + s2), null, Map.of()));
        subjects.add(s2);
    }

    private void msmtp(List<String> subjects) throws IOException {
        if (!have("msmtp")) return;
        msmtp(subjects, "via msmtp on submission", submission, true, "on");
    }

    /** msmtp: GNU SASL, so SCRAM-SHA-256 too (auth = a method name). */
    private void msmtp(List<String> subjects, String s, int port, boolean starttls, String auth) throws IOException {
        ok("msmtp", run(List.of("msmtp", "--host=localhost", "--port=" + port, "--tls=on", "--tls-starttls=" + (starttls ? "on" : "off"),
                "--tls-trust-file=" + caFile, "--auth=" + auth, "--user=" + login, "--passwordeval=cat " + passwordFile(),
                "--from=" + from, "--", to), Files.readString(message(s)), Map.of()));
        subjects.add(s);
    }

    /**
     * SCRAM-SHA-256 (needs a {SCRAM-SHA-256} user and smtpd_sasl_builtin_mechanisms listing it) with the
     * two clients here that have it: msmtp (GNU SASL) and mutt (Cyrus SASL), on the submissions port.
     */
    List<String> sendScram() throws IOException {
        List<String> subjects = new ArrayList<>();
        if (have("msmtp")) msmtp(subjects, "via msmtp SCRAM on submissions", submissions, false, "scram-sha-256");
        if (have("mutt")) mutt(subjects, "via mutt SCRAM on submissions", "smtps", submissions, "scram-sha-256");
        return subjects;
    }

    private void snail(List<String> subjects) throws IOException {
        if (!have("s-nail")) return;
        String s = "via s-nail on submissions";
        String url = "smtps://" + enc(login) + ":" + enc(password) + "@localhost:" + submissions;
        ok("s-nail", run(List.of("s-nail", "-:/", "-Sv15-compat", "-Sttycharset=utf-8", "-Smta=" + url, "-Ssmtp-auth=plain",
                "-Stls-ca-file=" + caFile, "-Stls-ca-no-defaults", "-Sfrom=" + from, "-Sexpandaddr", "-s", s, to),
                "Sent by a real client.\n", Map.of("HOME", work.toString())));
        subjects.add(s);
    }

    private void mutt(List<String> subjects) throws IOException {
        if (!have("mutt")) return;
        mutt(subjects, "via mutt on submission", "smtp", submission, "");
    }

    /** mutt with its own SMTP client (Cyrus SASL); authenticators empty: mutt picks from what is offered. */
    private void mutt(List<String> subjects, String s, String scheme, int port, String authenticators) throws IOException {
        Path rc = work.resolve("muttrc");
        Files.writeString(rc, "set smtp_url = \"" + scheme + "://" + enc(login) + "@localhost:" + port + "/\"\n"
                + "set smtp_pass = \"" + password + "\"\nset ssl_starttls = yes\nset ssl_force_tls = yes\n"
                + "set smtp_authenticators = \"" + authenticators + "\"\n"
                + "set ssl_ca_certificates_file = \"" + caFile + "\"\nset from = \"" + from + "\"\nset use_from = yes\n"
                + "set record = \"\"\nset folder = \"" + work + "\"\nset spoolfile = \"" + work + "/spool\"\n");
        ok("mutt", run(List.of("mutt", "-n", "-F", rc.toString(), "-s", s, "--", to), "Sent by a real client.\n",
                Map.of("HOME", work.toString())));
        subjects.add(s);
    }

    private void curl(List<String> subjects) throws IOException {
        if (!have("curl")) return;
        String s = "via curl on submissions";
        ok("curl", run(List.of("curl", "-sS", "--cacert", caFile.toString(), "--url", "smtps://localhost:" + submissions,
                "--user", login + ":" + password, "--mail-from", from, "--mail-rcpt", to, "-T", message(s).toString()), null, Map.of()));
        subjects.add(s);
        String s2 = "via curl on submission";
        ok("curl", run(List.of("curl", "-sS", "--ssl-reqd", "--cacert", caFile.toString(), "--url", "smtp://localhost:" + submission,
                "--user", login + ":" + password, "--mail-from", from, "--mail-rcpt", to, "-T", message(s2).toString()), null, Map.of()));
        subjects.add(s2);
    }

    private void python(List<String> subjects) {
        if (!Files.isExecutable(python3().toAbsolutePath())) {
            missing.add("python3");
            return;
        }
        String py = """
                import smtplib, ssl, sys
                ca, sub, subs, login, password, frm, to = sys.argv[1:8]
                ctx = ssl.create_default_context(cafile=ca)
                s = smtplib.SMTP("localhost", int(sub)); s.starttls(context=ctx); s.ehlo("py.example")
                s.login(login, password, initial_response_ok=False)
                s.sendmail(frm, [to], "From: %s\\r\\nSubject: via smtplib on submission\\r\\n\\r\\nhi\\r\\n" % frm); s.quit()
                w = smtplib.SMTP_SSL("localhost", int(subs), context=ctx); w.ehlo("py.example"); w.login(login, password)
                w.sendmail(frm, [to], "From: %s\\r\\nSubject: via smtplib on submissions\\r\\n\\r\\nhi\\r\\n" % frm); w.quit()
                """;
        ok("smtplib", run(List.of(python3().toString(), "-c", py, caFile.toString(), Integer.toString(submission),
                Integer.toString(submissions), login, password, from, to), null, Map.of()));
        subjects.add("via smtplib on submission");
        subjects.add("via smtplib on submissions");
    }

    private static Path python3() {
        return org.postroom.testkit.SmtpReceiver.PYTHON;
    }

    /** Angus Mail from this JVM: smtp with mail.smtp.starttls.required, and smtps. */
    private void angus(List<String> subjects) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        for (String proto : List.of("smtp", "smtps")) {
            Properties p = new Properties();
            String k = "mail." + proto + ".";
            p.put(k + "host", "localhost");
            p.put(k + "port", Integer.toString(proto.equals("smtp") ? submission : submissions));
            p.put(k + "auth", "true");
            p.put(k + "ssl.socketFactory", ctx.getSocketFactory());
            p.put(k + "ssl.checkserveridentity", "true");
            p.put(k + "timeout", "30000");
            p.put(k + "connectiontimeout", "30000");
            if (proto.equals("smtp")) {
                p.put(k + "starttls.enable", "true");
                p.put(k + "starttls.required", "true");
            }
            Session session = Session.getInstance(p);
            String s = "via Angus Mail on " + (proto.equals("smtp") ? "submission" : "submissions");
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(from));
            m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
            m.setSubject(s);
            m.setText("Sent by a real client.");
            try (Transport t = session.getTransport(proto)) {
                t.connect(login, password);
                t.sendMessage(m, m.getAllRecipients());
            }
            subjects.add(s);
        }
    }

    private Path passwordFile() throws IOException {
        Path p = work.resolve("password");
        Files.writeString(p, password + "\n");
        return p;
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Each subject delivered once, with TLS and the user in its Received: header. */
    static void assertDelivered(List<String> subjects, List<String> messages, String login) {
        for (String s : subjects) {
            List<String> found = messages.stream().filter(t -> t.contains("\nSubject: " + s + "\n")).toList();
            assertEquals(1, found.size(), s + " delivered once; messages:\n" + String.join("\n----\n", messages));
            String t = found.get(0);
            assertTrue(t.contains("\t(using TLSv1.3 with cipher ") || t.contains("\t(using TLSv1.2 with cipher "), s + ":\n" + t);
            assertTrue(t.contains("\t(Authenticated sender: " + login + ")"), s + ":\n" + t);
            assertTrue(t.matches("(?s).*\tby mail\\.example\\.com \\(Postfix\\) with ESMTPSA id .*"), s + ":\n" + t);
        }
    }
}
