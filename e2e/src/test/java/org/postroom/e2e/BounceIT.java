package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.SmtpReceiver;
import org.postroom.testkit.WaitFor;

/**
 * Issue 10: every failure, delay and requested success reaches the sender as Postfix reports it. Local
 * failures (an unknown user, a mailbox over mailbox_size_limit, a command that exits 67) and a remote
 * one (a 550 to RCPT) give one non-delivery report that Python's email package reads as
 * multipart/report with the right per-recipient fields; a delay warning comes once; an expired and a
 * force-expired message each give one report and are gone; NOTIFY=SUCCESS gives a success report,
 * NOTIFY=NEVER nothing, RET=HDRS only headers, ENVID and ORCPT come back; a report to a sender that
 * bounces is dropped, or goes to the postmaster with "2bounce", and nothing loops or stays queued.
 */
class BounceIT {
    private static final String USER = MailSystem.localUser();
    private static final String SENDER = USER + "@localhost";

    /** Reads a report with Python's email package; prints one line per fact (see the assertions). */
    private static final String PARSE = """
            import email, sys
            from email import policy
            m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.compat32)
            print("subject=" + str(m['Subject']))
            print("from=" + str(m['From']))
            print("to=" + str(m['To']))
            print("type=" + m.get_content_type())
            print("report-type=" + str(m.get_param('report-type')))
            print("auto-submitted=" + str(m['Auto-Submitted']))
            for p in m.get_payload():
                print("part=" + p.get_content_type())
                if p.get_content_type() == 'message/delivery-status':
                    blocks = p.get_payload()
                    for k, v in blocks[0].items():
                        print("message:" + k + "=" + " ".join(v.split()))
                    for b in blocks[1:]:
                        print("recipient")
                        for k, v in b.items():
                            print("rcpt:" + k + "=" + " ".join(v.split()))
                if p.get_content_type() == 'message/rfc822':
                    print("returned-subject=" + str(p.get_payload()[0]['Subject']))
                if p.get_content_type() == 'text/rfc822-headers':
                    print("returned-headers=" + str('Subject:' in p.get_payload()))
            """;

    /** The facts of one report. */
    private record Report(String text, List<Map<String, String>> recipients) {
        String get(String key) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "=(.*)$").matcher(text);
            return m.find() ? m.group(1) : null;
        }

        List<String> parts() {
            return text.lines().filter(l -> l.startsWith("part=")).map(l -> l.substring(5)).toList();
        }

        Map<String, String> recipient(String finalRecipient) {
            return recipients.stream().filter(r -> ("rfc822; " + finalRecipient).equals(r.get("Final-Recipient"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no entry for " + finalRecipient + " in\n" + text));
        }
    }

    private static Report parse(Path file) {
        MailSystem.Result r = MailSystem.run(List.of(SmtpReceiver.PYTHON.toString(), "-c", PARSE, file.toString()), null, Map.of(),
                Duration.ofSeconds(30));
        assertEquals(0, r.status(), r.stderr());
        List<Map<String, String>> rcpts = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            if (line.equals("recipient")) rcpts.add(new java.util.LinkedHashMap<>());
            if (line.startsWith("rcpt:")) {
                int eq = line.indexOf('=');
                rcpts.get(rcpts.size() - 1).put(line.substring(5, eq), line.substring(eq + 1));
            }
        }
        return new Report(r.stdout(), rcpts);
    }

    /** The messages in the user's Maildir whose Subject starts with {@code subject}. */
    private static List<Path> withSubject(MailSystem m, String subject) {
        List<Path> out = new ArrayList<>();
        for (Path p : MailSystem.maildir(m.spoolMaildir(USER))) {
            try {
                if (Files.readString(p, StandardCharsets.ISO_8859_1).contains("\nSubject: " + subject)) out.add(p);
            } catch (IOException e) {
                // being written
            }
        }
        return out;
    }

    private static void sendmail(MailSystem m, String text, String... args) {
        MailSystem.Result r = m.tool("sendmail", text, args);
        assertEquals(0, r.status(), r.stderr());
    }

    private static boolean queueEmpty(MailSystem m) {
        for (String q : List.of("incoming", "active", "deferred", "hold", "maildrop")) {
            try (var s = Files.walk(m.root().resolve("queue").resolve(q))) {
                if (s.anyMatch(Files::isRegularFile)) return false;
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    @Test
    void localAndRemoteFailuresGiveOneReport() throws Exception {
        assumeTrue(MailSystem.isRoot() && SmtpReceiver.available(), "needs root and Debian's python3");
        int port = MailSystem.freePort();
        try (MiniSink sink = new MiniSink("127.0.0.1", port, (n, l) -> l.toUpperCase().startsWith("RCPT")
                ? "550 5.1.1 <carol@far.example>: Recipient address rejected: User unknown in virtual mailbox table" : MiniSink.normal(l));
             MailSystem m = MailSystem.create("relayhost = [127.0.0.1]:" + port + "\nmailbox_size_limit = 20480000\n")) {
            Files.writeString(m.etc().resolve("aliases"), "failcmd: \"|exit 67\"\nfull: " + m.root().resolve("out/full.mbox") + "\n",
                    java.nio.file.StandardOpenOption.APPEND);
            assertEquals(0, m.tool("postalias", null, "hash:" + m.etc().resolve("aliases")).status());
            try (RandomAccessFile f = new RandomAccessFile(m.root().resolve("out/full.mbox").toFile(), "rw")) {
                f.setLength(20_480_001); // sparse: over the limit at once
            }
            // file deliveries from aliases run as default_privs
            Files.setPosixFilePermissions(m.root().resolve("out/full.mbox"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
            m.start();
            sendmail(m, "Subject: four failures\n\nbody\n", "-f", SENDER, "nosuch", "failcmd", "full", "carol@far.example");
            WaitFor.condition("the report", Duration.ofSeconds(60), () -> withSubject(m, "Undelivered Mail Returned to Sender").size() == 1);
            Report r = parse(withSubject(m, "Undelivered Mail Returned to Sender").get(0));
            assertEquals("multipart/report", r.get("type"), r.text());
            assertEquals("delivery-status", r.get("report-type"));
            assertEquals("Mail Delivery System <MAILER-DAEMON@mail.example.com>", r.get("from"));
            assertEquals(SENDER, r.get("to"));
            assertEquals("auto-replied", r.get("auto-submitted"));
            assertEquals(List.of("text/plain", "message/delivery-status", "message/rfc822"), r.parts(), r.text());
            assertEquals("dns; mail.example.com", r.get("message:Reporting-MTA"));
            assertEquals("rfc822; " + SENDER, r.get("message:X-Postfix-Sender"));
            assertEquals("four failures", r.get("returned-subject"));
            assertEquals(4, r.recipients().size(), r.text());
            Map<String, String> unknown = r.recipient("nosuch@mail.example.com");
            assertEquals("failed", unknown.get("Action"));
            assertEquals("5.1.1", unknown.get("Status"));
            assertTrue(unknown.get("Diagnostic-Code").startsWith("X-Postfix; unknown user: \"nosuch\""), unknown.toString());
            Map<String, String> cmd = r.recipient("failcmd@mail.example.com");
            assertEquals("5.1.1", cmd.get("Status"), cmd.toString());
            Map<String, String> full = r.recipient("full@mail.example.com");
            assertEquals("5.2.2", full.get("Status"), full.toString());
            Map<String, String> remote = r.recipient("carol@far.example");
            assertEquals("5.1.1", remote.get("Status"));
            assertEquals("dns; 127.0.0.1", remote.get("Remote-MTA"));
            assertEquals("smtp; 550 5.1.1 <carol@far.example>: Recipient address rejected: User unknown in virtual mailbox table",
                    remote.get("Diagnostic-Code"));
            String log = m.log();
            assertTrue(Pattern.compile("(?m)^.*postfix/bounce\\[\\d+\\]: (\\w+): sender non-delivery notification: \\w+$").matcher(log).find(), log);
            WaitFor.condition("nothing left in the queue", Duration.ofSeconds(30), () -> queueEmpty(m));
        }
    }

    @Test
    void delayWarningOnceThenExpiryAndForceExpiry() throws Exception {
        assumeTrue(MailSystem.isRoot() && SmtpReceiver.available(), "needs root and Debian's python3");
        int closed = MailSystem.freePort(); // nothing listens: connection refused, deferred
        try (MailSystem m = MailSystem.create("relayhost = [127.0.0.1]:" + closed + "\ndelay_warning_time = 2s\n"
                + "maximal_queue_lifetime = 12s\n")) {
            m.start();
            sendmail(m, "Subject: slow one\n\nbody\n", "-f", SENDER, "dave@far.example");
            WaitFor.condition("the delay warning", Duration.ofSeconds(60), () -> withSubject(m, "Delayed Mail (still being retried)").size() == 1);
            Report w = parse(withSubject(m, "Delayed Mail (still being retried)").get(0));
            Map<String, String> d = w.recipient("dave@far.example");
            assertEquals("delayed", d.get("Action"));
            assertEquals("4.4.1", d.get("Status"));
            assertTrue(d.containsKey("Will-Retry-Until"), d.toString());
            assertTrue(w.text().contains("part=text/rfc822-headers"), w.text());
            // then it expires: one report, the message gone, and no second warning on the way
            WaitFor.condition("the expiry report", Duration.ofSeconds(60), () -> withSubject(m, "Undelivered Mail Returned to Sender").size() == 1);
            Report x = parse(withSubject(m, "Undelivered Mail Returned to Sender").get(0));
            assertEquals("failed", x.recipient("dave@far.example").get("Action"));
            assertEquals("4.4.1", x.recipient("dave@far.example").get("Status"));
            WaitFor.condition("nothing left in the queue", Duration.ofSeconds(30), () -> queueEmpty(m));
            assertEquals(1, withSubject(m, "Delayed Mail (still being retried)").size(), "one warning only");
            assertTrue(m.log().contains("status=expired, returned to sender"), m.log());

            // postsuper -e: the sender hears of it and the message is gone
            sendmail(m, "Subject: held one\n\nbody\n", "-f", SENDER, "erin@far.example");
            WaitFor.condition("deferred once", Duration.ofSeconds(30), () -> m.log().contains("to=<erin@far.example>"));
            MailSystem.Result list = m.tool("postqueue", null, "-j");
            Matcher id = Pattern.compile("\"queue_id\": *\"(\\w+)\"").matcher(list.stdout());
            assertTrue(id.find(), list.stdout());
            assertEquals(0, m.tool("postsuper", null, "-e", id.group(1)).status());
            m.tool("postqueue", null, "-i", id.group(1));
            WaitFor.condition("the force-expiry report", Duration.ofSeconds(60),
                    () -> withSubject(m, "Undelivered Mail Returned to Sender").size() == 2);
            WaitFor.condition("nothing left in the queue", Duration.ofSeconds(30), () -> queueEmpty(m));
            assertTrue(m.log().contains(id.group(1) + ": from=<" + SENDER + ">, status=force-expired, returned to sender"), m.log());
        }
    }

    @Test
    void dsnRequests() throws Exception {
        assumeTrue(MailSystem.isRoot() && SmtpReceiver.available(), "needs root and Debian's python3");
        try (MailSystem m = MailSystem.create("")) {
            Files.writeString(m.etc().resolve("aliases"), "failcmd: \"|exit 67\"\n", java.nio.file.StandardOpenOption.APPEND);
            assertEquals(0, m.tool("postalias", null, "hash:" + m.etc().resolve("aliases")).status());
            m.start();
            try (RawSmtp c = new RawSmtp(m.port())) {
                c.reply();
                c.send("EHLO client.example");
                assertTrue(c.send("MAIL FROM:<" + SENDER + "> RET=HDRS ENVID=QQ314").startsWith("250"));
                assertTrue(c.send("RCPT TO:<" + USER + "@localhost> NOTIFY=SUCCESS ORCPT=rfc822;boss@example.org").startsWith("250"));
                assertTrue(c.send("RCPT TO:<failcmd@localhost> NOTIFY=FAILURE").startsWith("250"));
                assertTrue(c.send("DATA").startsWith("354"));
                assertTrue(c.send("Subject: dsn one\r\n\r\nbody\r\n.").startsWith("250"));
                assertTrue(c.send("MAIL FROM:<" + SENDER + ">").startsWith("250"));
                assertTrue(c.send("RCPT TO:<failcmd@localhost> NOTIFY=NEVER").startsWith("250"));
                assertTrue(c.send("DATA").startsWith("354"));
                assertTrue(c.send("Subject: dsn never\r\n\r\nbody\r\n.").startsWith("250"));
            }
            WaitFor.condition("the success report", Duration.ofSeconds(60), () -> withSubject(m, "Successful Mail Delivery Report").size() == 1);
            try {
                WaitFor.condition("the failure report", Duration.ofSeconds(60), () -> withSubject(m, "Undelivered Mail Returned to Sender").size() == 1);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + m.log(), e);
            }
            Report ok = parse(withSubject(m, "Successful Mail Delivery Report").get(0));
            assertEquals("QQ314", ok.get("message:Original-Envelope-Id"), ok.text());
            Map<String, String> delivered = ok.recipient(USER + "@localhost");
            assertEquals("delivered", delivered.get("Action"));
            assertEquals("rfc822;boss@example.org", delivered.get("Original-Recipient"));
            Report failed = parse(withSubject(m, "Undelivered Mail Returned to Sender").get(0));
            assertTrue(failed.text().contains("part=text/rfc822-headers"), "RET=HDRS: " + failed.text());
            assertEquals(1, failed.recipients().size(), failed.text());
            WaitFor.condition("nothing left in the queue", Duration.ofSeconds(30), () -> queueEmpty(m));
            // NOTIFY=NEVER: the second message failed without a word to the sender
            assertEquals(1, withSubject(m, "Undelivered Mail Returned to Sender").size());
            assertTrue(m.log().contains("sender delivery status notification: "), m.log());
        }
    }

    @Test
    void aBounceThatBouncesNeverLoops() throws Exception {
        assumeTrue(MailSystem.isRoot(), "needs root");
        // first without 2bounce: dropped; then with it: the postmaster (USER, by alias) gets it
        for (String classes : List.of("resource, software", "resource, software, 2bounce")) {
            try (MailSystem m = MailSystem.create("notify_classes = " + classes + "\n")) {
                m.start();
                sendmail(m, "Subject: from a ghost\n\nbody\n", "-f", "ghost@localhost", "nosuch");
                WaitFor.condition("both failures settled", Duration.ofSeconds(60), () -> m.log().contains("to=<ghost@localhost>")
                        && m.log().contains("status=bounced"));
                WaitFor.condition("nothing left in the queue", Duration.ofSeconds(30), () -> queueEmpty(m));
                boolean expectCopy = classes.contains("2bounce");
                if (expectCopy) {
                    WaitFor.condition("the double bounce", Duration.ofSeconds(30), () -> m.log().contains("postmaster non-delivery notification"));
                    WaitFor.condition("delivered to the postmaster", Duration.ofSeconds(30),
                            () -> !withSubject(m, "Postmaster Copy: Undelivered Mail").isEmpty()
                                    || !withSubject(m, "Undelivered Mail Returned to Sender").isEmpty());
                } else {
                    assertFalse(m.log().contains("postmaster non-delivery notification"), m.log());
                }
                // exactly one report was made for the ghost, none for the report's own failure
                assertEquals(1, count(m.log(), "sender non-delivery notification"), m.log());
                WaitFor.condition("nothing left in the queue", Duration.ofSeconds(30), () -> queueEmpty(m));
            }
        }
    }

    /**
     * A bounce that cannot be made keeps the message: with a broken bounce_template_file bounce(8) stops at
     * start-up naming the file and line, the agent cannot record the failure, so the recipient is deferred,
     * not dropped; once the file is fixed (and postfix reload), the sender gets the report.
     */
    @Test
    void aBrokenTemplateKeepsTheMessageUntilFixed() throws Exception {
        assumeTrue(MailSystem.isRoot(), "needs root");
        try (MailSystem m = MailSystem.create("")) {
            Path templates = m.etc().resolve("bounce.cf");
            // an unknown $name in the text is fatal; (a missing EOF marker would only be a warning, as in Postfix)
            Files.writeString(templates, "failure_template = <<EOF\nSubject: broken\n\nSee $no_such_parameter_here\nEOF\n");
            Files.writeString(m.etc().resolve("main.cf"), "bounce_template_file = " + templates + "\n", java.nio.file.StandardOpenOption.APPEND);
            m.start();
            sendmail(m, "Subject: kept\n\nbody\n", "-f", SENDER, "nosuch");
            WaitFor.condition("deferred, not bounced", Duration.ofSeconds(60),
                    () -> m.log().contains("to=<nosuch@mail.example.com>") && m.log().contains("status=deferred (bounce or trace service failure)"));
            assertTrue(m.log().contains(templates.toString() + ":"), "the log names the file and line:\n" + m.log());
            assertFalse(queueEmpty(m), "the message stays queued");
            Files.writeString(templates, "");
            assertEquals(0, m.tool("postfix", null, "reload").status());
            m.tool("postqueue", null, "-f");
            WaitFor.condition("the report", Duration.ofSeconds(90), () -> withSubject(m, "Undelivered Mail Returned to Sender").size() == 1);
            WaitFor.condition("nothing left in the queue", Duration.ofSeconds(30), () -> queueEmpty(m));
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }
}
