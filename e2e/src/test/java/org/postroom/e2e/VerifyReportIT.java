package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.SmtpReceiver;
import org.postroom.testkit.WaitFor;

/**
 * Issue 10: address verification reports as Postfix makes them. {@code sendmail -bv} for a local user, an
 * alias of it, an unknown user and two remote addresses (one that the next hop accepts at RCPT, one it
 * refuses) delivers nothing, not even to the remote server (no DATA), and mails the sender one "Mail
 * Delivery Status Report" that Python's email package reads as multipart/report with Action deliverable
 * or undeliverable, Postfix's texts ("delivers to maildir", "unknown user", the server's reply) and the
 * probe's headers; the log says status=deliverable / undeliverable and the queue is empty afterwards.
 * {@code sendmail -v} delivers the mail and reports what happened on the first attempt: delivered,
 * failed, relayed, delayed; a later retry of the delayed recipient is not reported again.
 */
class VerifyReportIT {
    private static final String USER = MailSystem.localUser();
    private static final String SENDER = USER + "@localhost";
    private static final String REPORT = "Mail Delivery Status Report";

    /** Reads a report with Python's email package; prints one line per fact. */
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
                if p.get_content_type() == 'text/plain':
                    for para in p.get_payload(decode=True).decode('utf-8').split('\\n\\n'):
                        if para.startswith('<'):
                            print("text=" + " ".join(para.split()))
                if p.get_content_type() == 'message/delivery-status':
                    blocks = p.get_payload()
                    for k, v in blocks[0].items():
                        print("message:" + k + "=" + " ".join(v.split()))
                    for b in blocks[1:]:
                        print("recipient")
                        for k, v in b.items():
                            print("rcpt:" + k + "=" + " ".join(v.split()))
                if p.get_content_type() == 'text/rfc822-headers':
                    h = email.message_from_string(p.get_payload(), policy=policy.compat32)
                    print("returned-subject=" + str(h['Subject']))
                    print("returned-to=" + " ".join(str(h['To']).split()))
            """;

    /** The facts of one report. */
    private record Report(String text, List<Map<String, String>> recipients) {
        String get(String key) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "=(.*)$").matcher(text);
            return m.find() ? m.group(1) : null;
        }

        List<String> all(String key) {
            return text.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1)).toList();
        }

        /**
         * The entry for {@code finalRecipient} that came from {@code original} (null: itself); cleanup(8) gives every
         * recipient its DSN original recipient "rfc822;ADDRESS", as Postfix's does.
         */
        Map<String, String> recipient(String finalRecipient, String original) {
            String orcpt = "rfc822;" + (original == null ? finalRecipient : original);
            return recipients.stream().filter(r -> ("rfc822; " + finalRecipient).equals(r.get("Final-Recipient"))
                            && orcpt.equals(r.get("Original-Recipient")))
                    .findFirst().orElseThrow(() -> new AssertionError("no entry for " + finalRecipient + " (" + original + ") in\n" + text));
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

    /** The messages in the user's Maildir whose own Subject: starts with {@code subject} (all of them for null). */
    private static List<Path> withSubject(MailSystem m, String subject) {
        List<Path> out = new ArrayList<>();
        for (Path p : MailSystem.maildir(m.spoolMaildir(USER))) {
            try {
                String text = Files.readString(p, StandardCharsets.ISO_8859_1);
                String header = text.indexOf("\n\n") < 0 ? text : text.substring(0, text.indexOf("\n\n"));
                if (subject == null || header.contains("\nSubject: " + subject)) out.add(p);
            } catch (IOException e) {
                // being written
            }
        }
        return out;
    }

    private static boolean empty(MailSystem m, String... queues) {
        for (String q : queues) {
            Path d = m.root().resolve("queue").resolve(q);
            if (!Files.exists(d)) continue;
            try (var s = Files.walk(d)) {
                if (s.anyMatch(Files::isRegularFile)) return false;
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static boolean queueEmpty(MailSystem m) {
        return empty(m, "incoming", "active", "deferred", "hold", "maildrop", "bounce", "defer", "trace");
    }

    /** The log line of the delivery to {@code to} (with {@code origTo}, or none) that has {@code status}. */
    private static boolean logged(String log, String to, String origTo, String relay, String dsn, String status, String text) {
        String line = "to=<" + to + ">, " + (origTo == null ? "" : "orig_to=<" + origTo + ">, ") + "relay=" + relay
                + ", delay=[^,]+, delays=[^,]+, dsn=" + Pattern.quote(dsn) + ", status=" + status + " \\(" + Pattern.quote(text) + "\\)$";
        return Pattern.compile("(?m): " + line).matcher(log).find();
    }

    /** A next hop that accepts carol and refuses dave at RCPT; every command it gets is kept. */
    private static MiniSink sink(int port, Queue<String> commands) throws IOException {
        return new MiniSink("127.0.0.1", port, (n, l) -> {
            commands.add(l);
            String u = l.toUpperCase(java.util.Locale.ROOT);
            if (u.startsWith("RCPT") && u.contains("DAVE@")) return "550 5.1.1 <dave@far.example>: Recipient address rejected: User unknown";
            if (u.startsWith("RCPT")) return "250 2.1.5 Ok";
            if (u.startsWith("RSET")) return "250 2.0.0 Ok";
            return MiniSink.normal(l);
        });
    }

    @Test
    void addressVerificationMailsAReportAndDeliversNothing() throws Exception {
        assumeTrue(MailSystem.isRoot() && SmtpReceiver.available(), "needs root and Debian's python3");
        int port = MailSystem.freePort();
        Queue<String> commands = new ConcurrentLinkedQueue<>();
        try (MiniSink peer = sink(port, commands);
             MailSystem m = MailSystem.create("relayhost = [127.0.0.1]:" + port + "\n")) {
            Files.writeString(m.etc().resolve("aliases"), "team: " + USER + "\n", java.nio.file.StandardOpenOption.APPEND);
            assertEquals(0, m.tool("postalias", null, "hash:" + m.etc().resolve("aliases")).status());
            m.start();
            MailSystem.Result r = m.tool("sendmail", null, "-f", SENDER, "-bv", USER + "@localhost", "team@localhost", "nosuch@localhost",
                    "carol@far.example", "dave@far.example");
            assertEquals(0, r.status(), r.stderr());
            assertEquals("Mail Delivery Status Report will be mailed to <" + SENDER + ">.\n", r.stdout());
            try {
                WaitFor.condition("the report", Duration.ofSeconds(60), () -> withSubject(m, REPORT).size() == 1);
                WaitFor.condition("nothing left in the queue", Duration.ofSeconds(30), () -> queueEmpty(m));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + m.log(), e);
            }
            // nothing was delivered: the report is the only message, and the next hop saw no DATA
            assertEquals(1, withSubject(m, null).size(), "only the report in the mailbox");
            assertEquals(0, peer.messages.get());
            assertTrue(commands.stream().noneMatch(c -> c.toUpperCase(java.util.Locale.ROOT).startsWith("DATA")), commands.toString());
            assertTrue(commands.stream().anyMatch(c -> c.toUpperCase(java.util.Locale.ROOT).startsWith("RCPT TO:<CAROL@FAR.EXAMPLE>")), commands.toString());

            Report rep = parse(withSubject(m, REPORT).get(0));
            assertEquals(REPORT, rep.get("subject"), rep.text());
            assertEquals("Mail Delivery System <MAILER-DAEMON@mail.example.com>", rep.get("from"));
            assertEquals(SENDER, rep.get("to"));
            assertEquals("multipart/report", rep.get("type"));
            assertEquals("delivery-status", rep.get("report-type"));
            assertEquals("auto-replied", rep.get("auto-submitted"));
            assertEquals(List.of("text/plain", "message/delivery-status", "text/rfc822-headers"), rep.all("part"), rep.text());
            assertEquals("dns; mail.example.com", rep.get("message:Reporting-MTA"));
            assertEquals("rfc822; " + SENDER, rep.get("message:X-Postfix-Sender"));
            // the probe as sendmail -bv made it
            assertEquals("probe", rep.get("returned-subject"));
            assertEquals(USER + "@localhost, team@localhost, nosuch@localhost, carol@far.example, dave@far.example", rep.get("returned-to"));

            assertEquals(5, rep.recipients().size(), rep.text());
            Map<String, String> user = rep.recipient(USER + "@localhost", null);
            assertEquals("deliverable", user.get("Action"));
            assertEquals("2.0.0", user.get("Status"));
            assertEquals("X-Postfix; delivery via local: delivers to maildir", user.get("Diagnostic-Code"));
            // an alias member is qualified with @$myorigin, as Postfix's local(8) does
            Map<String, String> alias = rep.recipient(USER + "@mail.example.com", "team@localhost");
            assertEquals("deliverable", alias.get("Action"));
            assertEquals("X-Postfix; delivery via local: delivers to maildir", alias.get("Diagnostic-Code"));
            Map<String, String> unknown = rep.recipient("nosuch@localhost", null);
            assertEquals("undeliverable", unknown.get("Action"));
            assertEquals("5.1.1", unknown.get("Status"));
            assertEquals("X-Postfix; delivery via local: unknown user: \"nosuch\"", unknown.get("Diagnostic-Code"));
            Map<String, String> carol = rep.recipient("carol@far.example", null);
            assertEquals("deliverable", carol.get("Action"));
            assertEquals("2.1.5", carol.get("Status"));
            assertEquals("dns; 127.0.0.1", carol.get("Remote-MTA"));
            assertEquals("smtp; 250 2.1.5 Ok", carol.get("Diagnostic-Code"));
            Map<String, String> dave = rep.recipient("dave@far.example", null);
            assertEquals("undeliverable", dave.get("Action"));
            assertEquals("5.1.1", dave.get("Status"));
            assertEquals("smtp; 550 5.1.1 <dave@far.example>: Recipient address rejected: User unknown", dave.get("Diagnostic-Code"));
            // the notification text, one paragraph per address, as Postfix words it
            List<String> text = rep.all("text");
            String relay = "127.0.0.1[127.0.0.1]:" + port;
            assertTrue(text.contains("<" + USER + "@localhost>: delivery via local: delivers to maildir"), text.toString());
            assertTrue(text.contains("<" + USER + "@mail.example.com> (expanded from <team@localhost>): delivery via local: delivers to maildir"),
                    text.toString());
            assertTrue(text.contains("<nosuch@localhost>: delivery via local: unknown user: \"nosuch\""), text.toString());
            assertTrue(text.contains("<carol@far.example>: delivery via " + relay + ": 250 2.1.5 Ok"), text.toString());
            assertTrue(text.stream().anyMatch(t -> t.startsWith("<dave@far.example>: delivery via " + relay + ": host " + relay.replace(":" + port, "")
                    + " said: 550 5.1.1")), text.toString());

            String log = m.log();
            assertTrue(logged(log, USER + "@localhost", null, "local", "2.0.0", "deliverable", "delivers to maildir"), log);
            assertTrue(logged(log, USER + "@mail.example.com", "team@localhost", "local", "2.0.0", "deliverable", "delivers to maildir"), log);
            assertTrue(logged(log, "nosuch@localhost", null, "local", "5.1.1", "undeliverable", "unknown user: \"nosuch\""), log);
            assertTrue(logged(log, "carol@far.example", null, Pattern.quote(relay), "2.1.5", "deliverable", "250 2.1.5 Ok"), log);
            assertTrue(Pattern.compile("(?m): to=<dave@far.example>, relay=" + Pattern.quote(relay) + ", .*status=undeliverable \\(host ")
                    .matcher(log).find(), log);
            assertTrue(Pattern.compile("(?m)^.*postfix/bounce\\[\\d+\\]: (\\w+): sender delivery status notification: \\w+$").matcher(log).find(), log);
            assertEquals(1, count(log, "status=sent"), "the report only: " + log);
            assertFalse(log.contains("status=bounced") || log.contains("non-delivery notification"), log);
        }
    }

    @Test
    void verboseDeliveryReportsTheFirstAttempt() throws Exception {
        assumeTrue(MailSystem.isRoot() && SmtpReceiver.available(), "needs root and Debian's python3");
        int port = MailSystem.freePort();
        int closed = MailSystem.freePort(); // nothing listens: connection refused, deferred
        Queue<String> commands = new ConcurrentLinkedQueue<>();
        try (MiniSink peer = sink(port, commands);
             MailSystem m = MailSystem.create("relayhost = [127.0.0.1]:" + port + "\n"
                     + "transport_maps = inline:{ slow.example=smtp:[127.0.0.1]:" + closed + " }\n")) {
            Files.writeString(m.etc().resolve("aliases"), "team: " + USER + "\n", java.nio.file.StandardOpenOption.APPEND);
            assertEquals(0, m.tool("postalias", null, "hash:" + m.etc().resolve("aliases")).status());
            m.start();
            MailSystem.Result r = m.tool("sendmail", "Subject: watched\n\nbody\n", "-f", SENDER, "-v", "team@localhost", "nosuch@localhost",
                    "carol@far.example", "erin@slow.example");
            assertEquals(0, r.status(), r.stderr());
            assertEquals("Mail Delivery Status Report will be mailed to <" + SENDER + ">.\n", r.stdout());
            try {
                WaitFor.condition("the report", Duration.ofSeconds(60), () -> withSubject(m, REPORT).size() == 1);
                WaitFor.condition("the delivery", Duration.ofSeconds(30), () -> withSubject(m, "watched").size() == 1);
                WaitFor.condition("the non-delivery report", Duration.ofSeconds(30),
                        () -> withSubject(m, "Undelivered Mail Returned to Sender").size() == 1);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + m.log(), e);
            }
            assertEquals(1, peer.messages.get(), "carol's copy was sent");
            Report rep = parse(withSubject(m, REPORT).get(0));
            assertEquals(REPORT, rep.get("subject"), rep.text());
            assertEquals(List.of("text/plain", "message/delivery-status", "text/rfc822-headers"), rep.all("part"), rep.text());
            assertEquals("watched", rep.get("returned-subject"));
            assertEquals(4, rep.recipients().size(), rep.text());
            Map<String, String> alias = rep.recipient(USER + "@mail.example.com", "team@localhost");
            assertEquals("delivered", alias.get("Action"));
            assertEquals("X-Postfix; delivery via local: delivered to maildir", alias.get("Diagnostic-Code"));
            Map<String, String> unknown = rep.recipient("nosuch@localhost", null);
            assertEquals("failed", unknown.get("Action"));
            assertEquals("5.1.1", unknown.get("Status"));
            Map<String, String> carol = rep.recipient("carol@far.example", null);
            assertEquals("relayed", carol.get("Action"));
            assertEquals("smtp; 250 2.0.0 Ok: queued", carol.get("Diagnostic-Code"));
            Map<String, String> erin = rep.recipient("erin@slow.example", null);
            assertEquals("delayed", erin.get("Action"));
            assertEquals("4.4.1", erin.get("Status"));

            // erin is tried again, and that attempt is not reported: -v reports the first one
            String first = "to=<erin@slow.example>";
            WaitFor.condition("a second attempt", Duration.ofSeconds(60), () -> count(m.log(), first) >= 2);
            assertEquals(1, withSubject(m, REPORT).size());
            assertEquals(1, count(m.log(), "sender delivery status notification"), m.log());
            assertTrue(logged(m.log(), USER + "@mail.example.com", "team@localhost", "local", "2.0.0", "sent", "delivered to maildir"), m.log());
            assertTrue(m.log().contains("to=<erin@slow.example>, relay=none"), m.log());
            assertEquals(0, m.tool("postsuper", null, "-d", "ALL").status());
        }
    }

    /** The -bv report Debian's Postfix 3.7.11 made (bounce/src/test/resources/.../captures, README.md there). */
    private static final Path CAPTURE = Path.of("../bounce/src/test/resources/org/postroom/bounce/captures/notice/verify.verify.msg");

    /**
     * Queue ids, epoch seconds and dates, which differ from run to run, masked; and the recipients' paragraphs
     * (the notification's "&lt;address&gt;: ..." and the report's "Final-Recipient: ..." blocks) sorted, since
     * the agents report in the order they finish.
     */
    private static String canonical(List<String> lines) {
        List<String> paragraphs = new ArrayList<>(List.of(String.join("\n", masked(lines)).split("\n\n", -1)));
        for (int i = 0; i < paragraphs.size(); i++) {
            int j = i;
            while (j < paragraphs.size() && (paragraphs.get(j).startsWith("<") || paragraphs.get(j).startsWith("Final-Recipient:"))) j++;
            java.util.Collections.sort(paragraphs.subList(i, j));
            i = j;
        }
        return String.join("\n\n", paragraphs);
    }

    private static List<String> masked(List<String> lines) {
        return lines.stream().map(l -> l
                .replaceAll("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [ \\d]\\d \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4} \\(\\w+\\)", "DATE")
                .replaceAll("\\b[0-9A-F]{8,16}\\b", "ID")).toList();
    }

    /**
     * The same command as the capture, on the same host name and with an mbox spool: the report is Postfix's
     * line for line once ids and dates are masked.
     */
    @Test
    void theReportIsPostfixs() throws Exception {
        assumeTrue(MailSystem.isRoot(), "needs root");
        try (MailSystem m = MailSystem.create("mail_spool_directory = $queue_directory/../mail\n"
                + "virtual_alias_maps = inline:{ sender@remote.example=" + USER + "@localhost }\n"
                + "local_destination_concurrency_limit = 1\n")) {
            m.start();
            MailSystem.Result r = m.tool("sendmail", null, "-f", "sender@remote.example", "-bv", "nosuch@mail.example.com",
                    "nobody@mail.example.com");
            assertEquals(0, r.status(), r.stderr());
            Path mbox = m.root().resolve("mail").resolve(USER);
            try {
                WaitFor.condition("the report", Duration.ofSeconds(60), () -> read(mbox).endsWith("--\n\n"));
                WaitFor.condition("nothing left in the queue", Duration.ofSeconds(30), () -> queueEmpty(m));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + m.log(), e);
            }
            // the message as cleanup wrote it: without the From_ line, the headers local(8) prepends and mbox's blank line
            List<String> got = new ArrayList<>(read(mbox).lines().toList());
            got.removeFirst();
            while (got.getFirst().startsWith("Return-Path:") || got.getFirst().startsWith("X-Original-To:")
                    || got.getFirst().startsWith("Delivered-To:")) got.removeFirst();
            got.removeLast();
            List<String> want = Files.readString(CAPTURE, StandardCharsets.UTF_8).lines().toList();
            assertEquals(canonical(want), canonical(got));
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }
}
