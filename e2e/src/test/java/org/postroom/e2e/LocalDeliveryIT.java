package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.WaitFor;

/**
 * Issue 2, point 2: curl, Python smtplib and swaks each deliver one message to two local recipients, one
 * Maildir (a passwd user, via mail_spool_directory ending in '/') and one mbox (an alias to a file). The
 * stored body must be byte-identical to what was sent, with Postfix's header order.
 */
class LocalDeliveryIT {
    static MailSystem m;
    static final String USER = MailSystem.localUser();

    @BeforeAll
    static void up() throws Exception {
        m = MailSystem.create("");
        m.start();
    }

    @AfterAll
    static void down() {
        if (m != null) m.close();
    }

    static final String LONG = "x".repeat(1500) + "y".repeat(1500) + " end of a 3000-byte line";

    /** The body as the receiving files must hold it (LF line ends). */
    static String body(String client) {
        return "First line from " + client + "\n"
                + ".leading dot line\n"
                + "..two dots\n"
                + ".\n"
                + "From the start of a line\n"
                + ">From already quoted\n"
                + "Grüße aus Köln — 8-bit text ✓\n"
                + LONG + "\n"
                + "\tindented last line\n";
    }

    static String message(String client) {
        String headers = "From: Alice <alice@example.org>\n"
                + "To: " + USER + "@localhost, mboxuser@localhost\n"
                + "Subject: e2e via " + client + "\n"
                + "MIME-Version: 1.0\n"
                + "Content-Type: text/plain; charset=UTF-8\n"
                + "Content-Transfer-Encoding: 8bit\n";
        return headers + "\n" + body(client);
    }

    static Path messageFile(String client) throws Exception {
        Path f = m.root().resolve("out/" + client + ".eml");
        Files.writeString(f, message(client).replace("\n", "\r\n"), StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void curl() throws Exception {
        assumeTrue(onPath("curl"), "curl not installed");
        Path f = messageFile("curl");
        MailSystem.Result r = MailSystem.run(List.of("curl", "-sS", "smtp://127.0.0.1:" + m.port(), "--mail-from", "alice@example.org",
                "--mail-rcpt", USER + "@localhost", "--mail-rcpt", "mboxuser@localhost", "-T", f.toString()), null, Map.of(), Duration.ofSeconds(60));
        assertEquals(0, r.status(), r.stderr());
        check("curl");
    }

    @Test
    void pythonSmtplib() throws Exception {
        assumeTrue(onPath("python3"), "python3 not installed");
        Path f = messageFile("python");
        String py = "import smtplib,sys\n"
                + "s=smtplib.SMTP('127.0.0.1'," + m.port() + ")\n"
                + "s.ehlo('client.example.org')\n"
                + "s.sendmail('alice@example.org',['" + USER + "@localhost','mboxuser@localhost'],open(sys.argv[1],'rb').read(),mail_options=['BODY=8BITMIME'])\n"
                + "s.quit()\n";
        MailSystem.Result r = MailSystem.run(List.of("python3", "-c", py, f.toString()), null, Map.of(), Duration.ofSeconds(60));
        assertEquals(0, r.status(), r.stderr());
        check("python");
    }

    @Test
    void swaks() throws Exception {
        assumeTrue(onPath("swaks"), "swaks not installed");
        Path f = messageFile("swaks");
        // swaks always sends CRLF before the final dot, so the file must not end in one
        String text = Files.readString(f, StandardCharsets.UTF_8);
        Files.writeString(f, text.substring(0, text.length() - 2), StandardCharsets.UTF_8);
        MailSystem.Result r = MailSystem.run(List.of("swaks", "--server", "127.0.0.1", "--port", Integer.toString(m.port()),
                "--from", "alice@example.org", "--to", USER + "@localhost,mboxuser@localhost", "--helo", "client.example.org",
                "--data", "@" + f), null, Map.of(), Duration.ofSeconds(60));
        assertEquals(0, r.status(), r.stdout() + r.stderr());
        check("swaks");
    }

    private static void check(String client) throws Exception {
        String subject = "Subject: e2e via " + client;
        Path maildir = m.spoolMaildir(USER);
        Path mbox = m.root().resolve("out/mboxuser.mbox");
        WaitFor.condition("maildir delivery for " + client, Duration.ofSeconds(30), () -> find(maildir, subject) != null);
        WaitFor.condition("mbox delivery for " + client, Duration.ofSeconds(30), () -> read(mbox).contains(subject));

        String md = Files.readString(find(maildir, subject), StandardCharsets.UTF_8);
        String[] lines = md.split("\n", -1);
        assertEquals("Return-Path: <alice@example.org>", lines[0]);
        assertEquals("X-Original-To: " + USER + "@localhost", lines[1]);
        assertEquals("Delivered-To: " + USER + "@localhost", lines[2]);
        assertTrue(lines[3].startsWith("Received: from "), lines[3]);
        assertTrue(lines[4].startsWith("\tby mail.example.com (Postfix) with ESMTP id "), lines[4]);
        int headerEnd = md.indexOf("\n\n");
        String headers = md.substring(0, headerEnd + 1);
        assertTrue(headers.indexOf(subject) < headers.indexOf("Message-Id: <"), "added headers come after the original ones:\n" + headers);
        assertTrue(headers.contains("\nDate: "), headers);
        assertEquals(body(client), md.substring(headerEnd + 2), "maildir body is byte-identical for " + client);

        String all = read(mbox);
        int start = all.lastIndexOf("\nFrom alice@example.org  ", all.indexOf(subject));
        String msg = all.substring(start < 0 ? 0 : start + 1);
        int next = msg.indexOf("\n\nFrom alice@example.org  ");
        if (next >= 0) msg = msg.substring(0, next + 2);
        assertTrue(msg.matches("(?s)From alice@example\\.org  \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\n.*"), msg.substring(0, 60));
        assertTrue(msg.contains("\nReturn-Path: <alice@example.org>\nX-Original-To: mboxuser@localhost\nDelivered-To: mboxuser@localhost\nReceived: "), msg);
        String mboxBody = msg.substring(msg.indexOf("\n\n") + 2);
        assertEquals(body(client).replace("\nFrom the start", "\n>From the start") + "\n", mboxBody, "mbox body for " + client);
        assertTrue(m.log().contains("status=sent (delivered to maildir)"), m.log());
    }

    static Path find(Path maildir, String needle) {
        for (Path p : MailSystem.maildir(maildir)) if (read(p).contains(needle)) return p;
        return null;
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (Exception e) {
            return "";
        }
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) if (Files.isExecutable(Path.of(d, tool))) return true;
        return false;
    }
}
