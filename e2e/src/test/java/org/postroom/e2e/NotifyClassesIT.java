package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.PostfixServer;
import org.postroom.testkit.WaitFor;

/**
 * Postmaster transcripts per notify_classes (smtpd_chat_notify): a client that sends an unknown command,
 * is refused relaying (a policy refusal) and breaks the pipelining rules gets the postmaster a notice
 * "Postfix SMTP server: errors from localhost[127.0.0.1]" with the session's transcript, on Postroom and
 * on a private Debian Postfix 3.7.11 given the same main.cf lines (smtpd_forbid_unauth_pipelining = yes,
 * Postroom's default). The two notices must be the same line for line once queue IDs and dates are
 * masked; both are kept in target/notify-compare/. With the default notify_classes (resource, software) a
 * protocol error sends nothing, and a resource error (no room in the queue file system) does.
 */
class NotifyClassesIT {
    private static final String USER = MailSystem.localUser();
    private static final String SUBJECT = "Subject: Postfix SMTP server: errors from localhost[127.0.0.1]";
    /** Both systems: every relay is refused (127.0.0.1 is not in mynetworks). */
    private static final String MAIN_CF = "notify_classes = protocol, policy, resource, software\nmynetworks = 10.99.0.0/16\n";

    private static final Pattern DATE = Pattern.compile(
            "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [ \\d]\\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4}"
            + " \\d\\d:\\d\\d:\\d\\d [+-]\\d{4} \\(\\w+\\)");
    private static final Pattern QUEUE_ID = Pattern.compile("\\b[0-9A-F]{10,12}\\b");
    private static final Pattern MESSAGE_ID = Pattern.compile("<\\d{14}\\.<queue-id>@");

    /**
     * The dialogue: EHLO, an unknown command (protocol), a refused relay (policy), RSET, then DATA with
     * NOOP sent before DATA's reply, which ends the session. Returns the replies after the greeting.
     */
    private static List<String> misbehave(int port) throws IOException {
        List<String> replies = new ArrayList<>();
        try (RawSmtp c = new RawSmtp(port)) {
            c.reply();
            for (String cmd : List.of("EHLO client.example", "FOO", "MAIL FROM:<a@b.example>", "RCPT TO:<x@far.example>", "RSET")) {
                replies.add(c.send(cmd));
            }
            c.raw("DATA\r\nNOOP\r\n");
            replies.add(c.reply());
            replies.add(String.valueOf(c.reply()));
        }
        return replies;
    }

    /** The smtpd notices in a Maildir. */
    private static List<Path> notices(Path maildir) {
        return withLine(maildir, SUBJECT);
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

    /** A notice with its queue IDs and dates masked. */
    private static List<String> masked(Path notice) throws IOException {
        String text = Files.readString(notice, StandardCharsets.UTF_8);
        text = DATE.matcher(text).replaceAll("<date>");
        text = QUEUE_ID.matcher(text).replaceAll("<queue-id>");
        text = MESSAGE_ID.matcher(text).replaceAll("<<time>.<queue-id>@");
        return List.of(text.split("\n", -1));
    }

    @Test
    void transcriptOfAMisbehavingClientAsPostfixSendsIt() throws Exception {
        assumeTrue(MailSystem.isRoot() && PostfixServer.available(), "needs root and Debian's postfix");
        Path work = Files.createTempDirectory("notify-compare");
        Path pfMail = work.resolve("pf/mail");
        try (PostfixServer pf = postfix(work, MAIN_CF); MailSystem pr = MailSystem.create(MAIN_CF)) {
            pr.start();

            List<String> postfixReplies = misbehave(pf.port());
            List<String> postroomReplies = misbehave(pr.port());
            assertEquals("554 5.5.0 Error: SMTP protocol synchronization", postfixReplies.get(5), postfixReplies.toString());
            assertEquals("null", postfixReplies.get(6), "Postfix ends the session");
            assertEquals(postfixReplies.subList(1, 7), postroomReplies.subList(1, 7));

            Path prMail = pr.spoolMaildir(USER);
            try {
                WaitFor.condition("Postfix's notice", Duration.ofSeconds(60), () -> notices(pfMail).size() == 1);
                WaitFor.condition("Postroom's notice", Duration.ofSeconds(60), () -> notices(prMail).size() == 1);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nPostfix log:\n" + pf.log() + "\nPostroom log:\n" + pr.log(), e);
            }
            List<String> b = assertSame(notices(pfMail).getFirst(), notices(prMail).getFirst(), "smtpd-transcript");
            // what the notice holds, beyond being the same as Postfix's
            assertTrue(b.contains("From: Mail Delivery System <MAILER-DAEMON@mail.example.com>"), String.join("\n", b));
            assertTrue(b.contains(" In:  FOO") && b.contains(" Out: 454 4.7.1 <x@far.example>: Relay access denied")
                    && b.contains(" Out: 554 5.5.0 Error: SMTP protocol synchronization"), String.join("\n", b));
            assertTrue(pr.log().contains("from=<double-bounce@mail.example.com>"), pr.log());
        } finally {
            MailSystem.run(List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofSeconds(30));
        }
    }

    /**
     * A private Postfix whose postmaster and root (the sender of the tests' mail) get their mail in
     * work/pf/mail/ (a Maildir), with {@code mainCf} and smtpd_forbid_unauth_pipelining = yes.
     */
    private static PostfixServer postfix(Path work, String mainCf) throws IOException {
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path mail = Files.createDirectories(work.resolve("pf/mail"));
        Files.setPosixFilePermissions(mail, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path aliases = work.resolve("pf/aliases");
        PostfixServer pf = PostfixServer.start(MailSystem.freePort(), "smtpd_client_restrictions =\n"
                + "smtpd_forbid_unauth_pipelining = yes\nalias_maps = hash:" + aliases + "\nalias_database = hash:" + aliases + "\n" + mainCf);
        try {
            Files.writeString(aliases, "postmaster: " + mail + "/\n" + USER + ": " + mail + "/\n");
            MailSystem.Result r = MailSystem.run(List.of("/usr/sbin/postalias", "-c", pf.root().resolve("etc").toString(),
                    "hash:" + aliases), null, Map.of(), Duration.ofSeconds(30));
            assertEquals(0, r.status(), r.stderr());
            return pf;
        } catch (IOException | RuntimeException | Error e) {
            pf.close();
            throw e;
        }
    }

    /** Asserts two notices equal once masked; keeps both in target/notify-compare/; returns Postroom's, masked. */
    private static List<String> assertSame(Path postfix, Path postroom, String name) throws IOException {
        Path keep = Files.createDirectories(Path.of("target", "notify-compare"));
        Files.copy(postfix, keep.resolve(name + ".postfix.eml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(postroom, keep.resolve(name + ".postroom.eml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> a = masked(postfix);
        List<String> b = masked(postroom);
        assertEquals(String.join("\n", a), String.join("\n", b), "the notices differ (- Postfix, + Postroom):\n"
                + BounceCompareIT.diff(a, b));
        return b;
    }

    /**
     * smtp(8): a relay host that answers RCPT with "500 5.5.2" (a code smtp_check_code() calls a protocol
     * error) gets the postmaster "Postfix SMTP client: errors from HOST[ADDR]:PORT" with the client's
     * transcript, on both systems, the same once masked.
     */
    @Test
    void clientTranscriptOfAServerThatSaysFiveHundredAsPostfixSendsIt() throws Exception {
        assumeTrue(MailSystem.isRoot() && PostfixServer.available(), "needs root and Debian's postfix");
        int port = MailSystem.freePort();
        String subject = "Subject: Postfix SMTP client: errors from 127.0.0.1[127.0.0.1]:" + port;
        String cf = "notify_classes = protocol\nrelayhost = [127.0.0.1]:" + port + "\n";
        Path work = Files.createTempDirectory("notify-compare");
        try (MiniSink sink = new MiniSink("127.0.0.1", port, (n, l) -> l.toUpperCase().startsWith("EHLO") ? "250-sink\r\n250 8BITMIME"
                : l.toUpperCase().startsWith("RCPT") ? "500 5.5.2 Error: command not recognized" : MiniSink.normal(l));
             PostfixServer pf = postfix(work, cf); MailSystem pr = MailSystem.create(cf)) {
            pr.start();
            String message = "Subject: to a broken server\n\nbody\n";
            MailSystem.Result r = pr.tool("sendmail", message, "-f", USER + "@localhost", "dave@far.example");
            assertEquals(0, r.status(), r.stderr());
            r = MailSystem.run(List.of("/usr/sbin/sendmail", "-C", pf.root().resolve("etc").toString(), "-f", USER + "@localhost",
                    "dave@far.example"), message, Map.of(), Duration.ofSeconds(30));
            assertEquals(0, r.status(), r.stderr());
            Path pfMail = work.resolve("pf/mail");
            Path prMail = pr.spoolMaildir(USER);
            try {
                WaitFor.condition("Postfix's notice", Duration.ofSeconds(60), () -> withLine(pfMail, subject).size() == 1);
                WaitFor.condition("Postroom's notice", Duration.ofSeconds(60), () -> withLine(prMail, subject).size() == 1);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nPostfix log:\n" + pf.log() + "\nPostroom log:\n" + pr.log(), e);
            }
            List<String> b = assertSame(withLine(pfMail, subject).getFirst(), withLine(prMail, subject).getFirst(), "smtp-transcript");
            assertTrue(b.contains(" In:  500 5.5.2 Error: command not recognized"), String.join("\n", b));
        } finally {
            MailSystem.run(List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofSeconds(30));
        }
    }

    /** The messages in a Maildir with this line. */
    private static List<Path> withLine(Path maildir, String line) {
        List<Path> out = new ArrayList<>();
        for (Path p : MailSystem.maildir(maildir)) {
            try {
                if (Files.readAllLines(p, StandardCharsets.UTF_8).contains(line)) out.add(p);
            } catch (IOException e) {
                // being written
            }
        }
        return out;
    }

    @Test
    void defaultClassesReportResourceTroubleButNotAProtocolError() throws Exception {
        assumeTrue(MailSystem.isRoot(), "needs root");
        // queue_minfree larger than any disk: MAIL gets 452 4.3.1 (class resource); notices go through cleanup, which does not care
        try (MailSystem m = MailSystem.create("mynetworks = 10.99.0.0/16\nqueue_minfree = 1000000000000000\n")) {
            m.start();
            String first = RawSmtp.dialog(m.port(), "EHLO client.example\r\nFOO\r\nHELO\r\nQUIT");
            assertEquals("500 5.5.2 Error: command not recognized | 501 Syntax: HELO hostname | 221 2.0.0 Bye", first);
            String second = RawSmtp.dialog(m.port(), "EHLO client.example\r\nMAIL FROM:<a@b.example>\r\nQUIT");
            assertEquals("452 4.3.1 Insufficient system storage | 221 2.0.0 Bye", second);
            Path mail = m.spoolMaildir(USER);
            WaitFor.condition("the notice of the second session", Duration.ofSeconds(60), () -> notices(mail).size() == 1);
            WaitFor.condition("nothing left in the queue", Duration.ofSeconds(30), () -> queueEmpty(m));
            List<Path> n = notices(mail);
            assertEquals(1, n.size(), "only the resource error is reported");
            List<String> lines = Files.readAllLines(n.getFirst(), StandardCharsets.UTF_8);
            assertTrue(lines.contains(" Out: 452 4.3.1 Insufficient system storage") && lines.contains(" In:  QUIT"), lines.toString());
            assertFalse(lines.contains(" In:  FOO"), "the first session's transcript: " + lines);
            assertTrue(m.log().contains("disconnect from localhost[127.0.0.1] helo=0/1 ehlo=1 quit=1 unknown=0/1 commands=2/4"), m.log());
            assertNull(lines.stream().filter(l -> l.startsWith("Session aborted")).findFirst().orElse(null));
        }
    }
}
