package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postroom.global.mail.MailError;

/**
 * Postmaster notices with the session transcript (smtpd_chat.c, chat_reset() in smtpd.c): which errors
 * set which class, when a notice goes out, and what it holds. The dialogues marked "observed" were run
 * against Debian's Postfix 3.7.11 with notify_classes = protocol, policy, resource, software (and
 * smtpd_forbid_unauth_pipelining = yes); the transcripts expected here are the ones its notices held.
 */
class ChatNotifyTest {
    private static final String ALL = "notify_classes = protocol, policy, resource, software\n";
    private static final List<String> EHLO = List.of("Out: 220 mail.example.com ESMTP Postfix", "In:  EHLO client.example",
            "Out: 250-mail.example.com", "Out: 250-PIPELINING", "Out: 250-SIZE 10240000", "Out: 250-VRFY", "Out: 250-ETRN",
            "Out: 250-ENHANCEDSTATUSCODES", "Out: 250-8BITMIME", "Out: 250-DSN", "Out: 250-SMTPUTF8", "Out: 250 CHUNKING");

    private record Notice(int mask, String namaddr, List<String> transcript, String reason) {}

    private final Fakes.Queue queue = new Fakes.Queue();
    private final Fakes.Log log = new Fakes.Log();
    private final List<Notice> notices = new ArrayList<>();

    /**
     * Runs a dialogue from 203.0.113.5 (not in mynetworks). Each element of {@code turns} arrives
     * only when the server reads for it, so the lines within one element are pipelined.
     */
    private TestWire run(String config, String... turns) {
        StringBuilder all = new StringBuilder();
        int[] cuts = new int[turns.length];
        for (int i = 0; i < turns.length; i++) {
            all.append(turns[i]);
            cuts[i] = all.length();
        }
        SmtpdConfig cfg = Fakes.config(config);
        SmtpSession session = new SmtpSession(cfg, Fakes.client("203.0.113.5"), new Fakes.Relay(), queue, log, Fakes.CLOCK);
        session.useNotifier((mask, namaddr, transcript, reason) -> notices.add(new Notice(mask, namaddr, transcript, reason)));
        TestWire w = new TestWire(new SplitInput(all.toString().getBytes(StandardCharsets.UTF_8), cuts));
        new Chat(session, w, cfg).run();
        return w;
    }

    private static List<String> ehloThen(String... lines) {
        List<String> l = new ArrayList<>(EHLO);
        l.addAll(List.of(lines));
        return l;
    }

    @Test
    void badCommandPolicyRejectAndPipeliningViolation() {
        // observed: the 554 sets no class, the 500 and 454 do; the notice is sent when the session ends
        run(ALL, "EHLO client.example\r\n", "FOO\r\n", "MAIL FROM:<a@b.example>\r\n", "RCPT TO:<x@far.example>\r\n",
                "RSET\r\nDATA\r\nNOOP\r\n", "QUIT\r\n");
        assertEquals(1, notices.size(), log.lines.toString());
        Notice n = notices.getFirst();
        assertEquals(MailError.PROTOCOL | MailError.POLICY, n.mask());
        assertEquals("unknown[203.0.113.5]", n.namaddr());
        assertEquals(ehloThen("In:  FOO", "Out: 500 5.5.2 Error: command not recognized", "In:  MAIL FROM:<a@b.example>",
                "Out: 250 2.1.0 Ok", "In:  RCPT TO:<x@far.example>", "Out: 454 4.7.1 <x@far.example>: Relay access denied",
                "In:  RSET", "Out: 250 2.0.0 Ok", "In:  DATA", "Out: 554 5.5.0 Error: SMTP protocol synchronization"), n.transcript());
        assertEquals(null, n.reason());
    }

    @Test
    void errorsBeforeAQueuedMessageAreForgivenButNotItsTranscript() {
        // observed: a refused RCPT, a message queued, then "503 need MAIL": the notice has the whole session
        run(ALL, "EHLO client.example\r\n", "MAIL FROM:<a@b.example> BODY=8BITMIME\r\n", "RCPT TO:<x@far.example>\r\n",
                "RCPT TO:<postmaster@mail.example.com>\r\n", "DATA\r\n", "Subject: hi\r\n\r\nbody\r\n.\r\n", "RCPT TO:<y@far.example>\r\n",
                "QUIT\r\n");
        assertEquals(1, notices.size());
        assertEquals(MailError.PROTOCOL, notices.getFirst().mask());
        assertEquals(ehloThen("In:  MAIL FROM:<a@b.example> BODY=8BITMIME", "Out: 250 2.1.0 Ok", "In:  RCPT TO:<x@far.example>",
                "Out: 454 4.7.1 <x@far.example>: Relay access denied", "In:  RCPT TO:<postmaster@mail.example.com>", "Out: 250 2.1.5 Ok",
                "In:  DATA", "Out: 354 End data with <CR><LF>.<CR><LF>", "Out: 250 2.0.0 Ok: queued as 64BE1160033",
                "In:  RCPT TO:<y@far.example>", "Out: 503 5.5.1 Error: need MAIL command", "In:  QUIT", "Out: 221 2.0.0 Bye"),
                notices.getFirst().transcript());
    }

    /**
     * notify_classes, the client's turns (comma-separated, "~" a CRLF within one), the number of notices
     * and, when there is one, its error mask (policy 1, protocol 2, bounce 4, resource 16, data 128).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            observed: errors then a queued message                 | protocol, policy, resource, software | EHLO client.example,FOO,MAIL FROM:<a@b.example>,RCPT TO:<postmaster@mail.example.com>,DATA,Subject: x~~body~.,QUIT | 0 | 0
            observed: a pipelining violation alone                 | protocol, policy, resource, software | EHLO client.example~NOOP | 0 | 0
            default classes: a protocol error                      | resource, software                   | EHLO client.example,FOO,QUIT | 0 | 0
            default classes: a policy refusal                      | resource, software                   | EHLO client.example,MAIL FROM:<a@b.example>,RCPT TO:<x@far.example>,QUIT | 0 | 0
            protocol only: a policy refusal                        | protocol                             | EHLO client.example,MAIL FROM:<a@b.example>,RCPT TO:<x@far.example>,QUIT | 0 | 0
            policy: VRFY disabled                                  | policy                               | EHLO client.example,VRFY root,QUIT | 1 | 1
            protocol: MAIL syntax                                  | protocol                             | EHLO client.example,MAIL FROM:a@b.example>,QUIT | 1 | 2
            protocol: unsupported MAIL option                      | protocol                             | EHLO client.example,MAIL FROM:<a@b.example> FOO=BAR,QUIT | 1 | 2
            protocol: DATA without RCPT                            | protocol                             | EHLO client.example,DATA,QUIT | 1 | 2
            no class: DATA when every RCPT was refused             | protocol                             | EHLO client.example,MAIL FROM:<a@b.example>,RCPT TO:<x@far.example>,DATA,QUIT | 0 | 0
            no class: STARTTLS required                            | protocol, policy, resource, software | EHLO client.example,MAIL FROM:<a@b.example>,QUIT | 0 | 0
            protocol: HELO without a name                          | protocol                             | HELO,QUIT | 1 | 2
            protocol: AUTH when it is off                          | protocol                             | EHLO client.example,AUTH PLAIN AGEAYg==,QUIT | 1 | 2
            bounce: unknown virtual mailbox                        | bounce                               | EHLO client.example,MAIL FROM:<a@b.example>,RCPT TO:<nobody@vmail.example>,QUIT | 1 | 4
            data: failed address lookup                            | data                                 | EHLO client.example,MAIL FROM:<a@b.example>,RCPT TO:<x@down.example>,QUIT | 1 | 128
            """)
    void whichErrorsSendANotice(String label, String classes, String commands, int wanted, int mask) {
        String extra = label.contains("STARTTLS") ? "smtpd_tls_security_level = encrypt\n" : "";
        if (label.contains("VRFY")) extra += "disable_vrfy_command = yes\n";
        if (label.contains("virtual")) extra += "virtual_mailbox_domains = vmail.example\nvirtual_mailbox_maps = inline:{known@vmail.example=x}\n";
        String[] turns = commands.split(",");
        for (int i = 0; i < turns.length; i++) turns[i] = turns[i].replace("~", "\r\n") + "\r\n";
        run("notify_classes = " + classes + "\n" + extra, turns);
        assertEquals(wanted, notices.size(), log.lines + "\n" + notices);
        if (wanted > 0) assertEquals(mask, notices.getFirst().mask());
    }

    @Test
    void cleanupTroubleIsReportedWithTheDefaultClasses() {
        queue.down = true;
        TestWire w = run("", "EHLO client.example\r\n", "MAIL FROM:<a@b.example>\r\n", "RCPT TO:<postmaster@mail.example.com>\r\n", "QUIT\r\n");
        assertTrue(w.replies().contains("451 4.3.0 Error: queue file write error"), w.replies().toString());
        assertEquals(1, notices.size());
        assertEquals(MailError.RESOURCE, notices.getFirst().mask());
    }

    @ParameterizedTest(name = "cleanup status {0}")
    @CsvSource({"write, 16", "size, 4", "content, 1", "defer, 1"})
    void cleanupVerdicts(String what, int mask) {
        queue.result = switch (what) {
            case "write" -> new org.postroom.global.proto.cleanup.CleanupStatus(org.postroom.global.proto.cleanup.CleanupStatus.STAT_WRITE, "");
            case "size" -> new org.postroom.global.proto.cleanup.CleanupStatus(org.postroom.global.proto.cleanup.CleanupStatus.STAT_SIZE, "");
            case "content" -> new org.postroom.global.proto.cleanup.CleanupStatus(org.postroom.global.proto.cleanup.CleanupStatus.STAT_CONT,
                    "550 5.7.1 go away");
            default -> new org.postroom.global.proto.cleanup.CleanupStatus(org.postroom.global.proto.cleanup.CleanupStatus.STAT_DEFER, "");
        };
        run("notify_classes = bounce, policy, resource, software\n", "EHLO client.example\r\n", "MAIL FROM:<a@b.example>\r\n",
                "RCPT TO:<postmaster@mail.example.com>\r\n", "DATA\r\n", "Subject: x\r\n\r\nbody\r\n.\r\n", "QUIT\r\n");
        assertEquals(1, notices.size(), log.lines.toString());
        assertEquals(mask, notices.getFirst().mask());
    }

    @Test
    void saslDataNeverReachesTheTranscript() {
        run("notify_classes = protocol\n", "EHLO client.example\r\n", "AUTH PLAIN AHVzZXIAc2VjcmV0\r\n", "auth   login   dXNlcg==  \r\n",
                "QUIT\r\n");
        List<String> t = notices.getFirst().transcript();
        assertTrue(t.contains("In:  AUTH PLAIN (hidden)"), t.toString());
        assertTrue(t.contains("In:  auth   login (hidden)"), t.toString());
        assertTrue(t.stream().noneMatch(l -> l.contains("AHVzZXIAc2VjcmV0") || l.contains("dXNlcg==")), t.toString());
        assertEquals("AUTH PLAIN", ChatLog.withoutInitialResponse("AUTH PLAIN"));
        assertEquals("AUTHX PLAIN secret", ChatLog.withoutInitialResponse("AUTHX PLAIN secret"));
    }

    @Test
    void answersToChallengesAreHiddenButAnAbortIsKept() {
        ChatLog c = new ChatLog(MailError.PROTOCOL, 100, (m, n, t, r) -> notices.add(new Notice(m, n, t, r)));
        c.heard("AUTH LOGIN", false, "x");
        c.said("334 VXNlcm5hbWU6");
        c.heard("dXNlcg==", true, "x");
        c.said("334 UGFzc3dvcmQ6");
        c.heard("*", true, "x");
        c.error(MailError.PROTOCOL);
        c.end("x", null);
        assertEquals(List.of("In:  AUTH LOGIN", "Out: 334 VXNlcm5hbWU6", "In:  (hidden)", "Out: 334 UGFzc3dvcmQ6", "In:  *"),
                notices.getFirst().transcript());
    }

    @Test
    void aLongSessionIsFlushedAtTheThreshold() {
        // HELO (3 lines), FOO (5), three NOOPs (11 > 10): before the next command the 11 lines go out
        run("notify_classes = protocol\nsmtpd_history_flush_threshold = 10\n", "HELO client.example\r\n", "FOO\r\n", "NOOP\r\n",
                "NOOP\r\n", "NOOP\r\n", "NOOP\r\n", "QUIT\r\n");
        assertEquals(1, notices.size(), notices.toString());
        List<String> t = notices.getFirst().transcript();
        assertEquals(11, t.size(), t.toString());
        assertEquals("Out: 250 2.0.0 Ok", t.getLast());
    }

    @Test
    void thousandsOfCommandsKeepTheTranscriptBounded() {
        String[] turns = new String[3002];
        turns[0] = "HELO client.example\r\n";
        for (int i = 1; i <= 3000; i++) turns[i] = i % 50 == 0 ? "FOO\r\n" : "NOOP\r\n";
        turns[3001] = "QUIT\r\n";
        run("notify_classes = protocol\nsmtpd_hard_error_limit = 1000\nsmtpd_soft_error_limit = 1000\n", turns);
        // each flush sends what it holds: the threshold and at most one more command with its reply
        assertTrue(notices.size() >= 50, "notices: " + notices.size());
        assertTrue(notices.stream().allMatch(n -> n.transcript().size() <= 102), "a transcript over the threshold");
    }

    @Test
    void abnormalEndsGiveTheirReason() {
        run(ALL, "EHLO client.example\r\n", "FOO\r\n");
        assertEquals("lost connection", notices.getFirst().reason());
        notices.clear();
        run("notify_classes = protocol\nsmtpd_hard_error_limit = 2\n", "EHLO client.example\r\n", "FOO\r\n", "BAR\r\n");
        assertEquals("too many errors", notices.getFirst().reason());
        assertEquals("Out: 421 4.7.0 mail.example.com Error: too many errors", notices.getFirst().transcript().getLast());
    }

    @Test
    void withoutNotifyClassesNothingIsKept() {
        run("notify_classes =\n", "EHLO client.example\r\n", "FOO\r\n", "QUIT\r\n");
        assertTrue(notices.isEmpty());
    }
}
