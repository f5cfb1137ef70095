package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.DovecotServer;
import org.postroom.testkit.WaitFor;

/**
 * lmtp(8) into a real Dovecot LMTP server (issue 8): a private Dovecot 2.3 (dovecot-lmtpd and
 * dovecot-imapd) with its LMTP service on a UNIX-domain socket and on a loopback TCP port, and its IMAP
 * service on another. transport_maps sends unix.test to {@code lmtp:unix:<socket>} and tcp.test to
 * {@code lmtp:inet:127.0.0.1:<port>}. Dovecot's users are full addresses (its passwd-file lists
 * alice@unix.test, carol@unix.test, bob@tcp.test, erin@tcp.test and dave@tcp.test, whose quota is one
 * byte), so LMTP accepts exactly those and answers any other recipient with "550 5.1.1 <x> User doesn't
 * exist: x". Checked: the log lines (relay=myhostname[/socket] and relay=host[addr]:port, Dovecot's
 * replies), each message read back over IMAP (subject, body with a dot-stuffed line and 8-bit text,
 * Postroom's Received: header under Dovecot's), a recipient refused at RCPT beside an accepted one, one
 * reply per recipient after the dot (one of them 552 over quota), a message with only unknown
 * recipients, and a burst over cached sessions.
 */
class LmtpDovecotIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void deliversOverAUnixSocketAndTcpAndIsReadBackOverImap() throws Exception {
        assumeTrue(MailSystem.isRoot() && DovecotServer.available(), "needs root and Dovecot (dovecot-lmtpd, dovecot-imapd)");
        try (DovecotServer dovecot = DovecotServer.start(
                List.of("alice@unix.test", "carol@unix.test", "bob@tcp.test", "erin@tcp.test", "dave@tcp.test"), Map.of("dave@tcp.test", "1B"));
             MailSystem m = MailSystem.create("transport_maps = inline:{ unix.test=lmtp:unix:" + dovecot.lmtpSocket()
                     + ", tcp.test=lmtp:inet:127.0.0.1:" + dovecot.lmtpPort() + " }\n")) {
            try {
                m.start();
                run(m, dovecot);
            } catch (AssertionError | IOException e) {
                throw new AssertionError(e.getMessage() + "\n--- Postroom maillog:\n" + m.log() + "\n--- Dovecot log:\n" + dovecot.log(), e);
            }
        }
    }

    private static void run(MailSystem m, DovecotServer dovecot) throws IOException {
        String socketRelay = "mail.example.com[" + dovecot.lmtpSocket() + "]";
        String tcpRelay = "127.0.0.1[127.0.0.1]:" + dovecot.lmtpPort();

        // one message over the UNIX-domain socket, one over TCP
        SmtpClientIT.send(m.port(), "alice@unix.test", "From: sender@example.com\r\nSubject: over the unix socket\r\n"
                + "\r\nfirst line\r\n..leading dot\r\nGr\u00fc\u00dfe\r\n");
        SmtpClientIT.send(m.port(), "bob@tcp.test", "From: sender@example.com\r\nSubject: over tcp\r\n\r\nbody over tcp\r\n");
        WaitFor.condition("both delivered", WAIT, () -> m.log().contains("to=<alice@unix.test>") && m.log().contains("to=<bob@tcp.test>"));

        String alice = SmtpClientIT.line(m.log(), "alice@unix.test");
        assertTrue(alice.contains(" postfix/lmtp["), alice);
        assertTrue(alice.contains(": to=<alice@unix.test>, relay=" + socketRelay + ", delay="), alice);
        assertTrue(SAVED.matcher(alice).find(), alice);
        assertTrue(alice.contains("dsn=2.0.0, status=sent (250 2.0.0 <alice@unix.test> "), alice);
        String bob = SmtpClientIT.line(m.log(), "bob@tcp.test");
        assertTrue(bob.contains(" postfix/lmtp["), bob);
        assertTrue(bob.contains(": to=<bob@tcp.test>, relay=" + tcpRelay + ", delay="), bob);
        assertTrue(bob.contains("dsn=2.0.0, status=sent (250 2.0.0 <bob@tcp.test> "), bob);
        assertTrue(SAVED.matcher(bob).find(), bob);

        // read back over IMAP: the content intact, Postroom's Received: header, then Dovecot's
        List<String> aliceBox = dovecot.fetchInbox("alice@unix.test");
        assertEquals(1, aliceBox.size(), aliceBox.toString());
        String a = aliceBox.getFirst();
        assertTrue(a.startsWith("Return-Path: <alice@example.com>\r\nDelivered-To: alice@unix.test\r\n"), a);
        // Dovecot's Received: names our LHLO (lmtp_lhlo_name = $myhostname), with no address for a local client
        assertTrue(a.contains("\r\nReceived: from mail.example.com\r\n\tby " + DovecotServer.HOSTNAME + " with LMTP\r\n"), a);
        assertTrue(a.contains("\r\nReceived: from c.example (localhost [127.0.0.1])\r\n\tby mail.example.com (Postfix) with ESMTP id "
                + queueId(alice) + "\r\n\tfor <alice@unix.test>; "), a);
        assertTrue(a.contains("\r\nSubject: over the unix socket\r\n"), a);
        assertTrue(a.endsWith("\r\n\r\nfirst line\r\n.leading dot\r\nGr\u00fc\u00dfe\r\n"), a);

        List<String> bobBox = dovecot.fetchInbox("bob@tcp.test");
        assertEquals(1, bobBox.size(), bobBox.toString());
        String b = bobBox.getFirst();
        assertTrue(b.contains("\r\nReceived: from mail.example.com ([127.0.0.1])\r\n\tby " + DovecotServer.HOSTNAME + " with LMTP\r\n"), b);
        assertTrue(b.contains("\tby mail.example.com (Postfix) with ESMTP id " + queueId(bob) + "\r\n\tfor <bob@tcp.test>; "), b);
        assertTrue(b.contains("\r\nSubject: over tcp\r\n"), b);
        assertTrue(b.endsWith("\r\n\r\nbody over tcp\r\n"), b);

        // two recipients in one message: Dovecot refuses the unknown one at RCPT; the other is delivered
        send(m.port(), List.of("carol@unix.test", "nosuch@unix.test"), "Subject: two recipients\r\n\r\nfor carol\r\n");
        WaitFor.condition("both recipients decided", WAIT, () -> m.log().contains("to=<carol@unix.test>") && m.log().contains("to=<nosuch@unix.test>"));
        String carol = SmtpClientIT.line(m.log(), "carol@unix.test");
        assertTrue(carol.contains(" postfix/lmtp[") && carol.contains("relay=" + socketRelay + ", "), carol);
        assertTrue(carol.contains("dsn=2.0.0, status=sent (250 2.0.0 <carol@unix.test> ") && SAVED.matcher(carol).find(), carol);
        String nosuch = SmtpClientIT.line(m.log(), "nosuch@unix.test");
        assertTrue(nosuch.contains(" postfix/lmtp[") && nosuch.contains("relay=" + socketRelay + ", "), nosuch);
        assertTrue(nosuch.endsWith(", dsn=5.1.1, status=bounced (host " + socketRelay + " said: 550 5.1.1 <nosuch@unix.test> "
                + "User doesn't exist: nosuch@unix.test (in reply to RCPT TO command))"), nosuch);
        List<String> carolBox = dovecot.fetchInbox("carol@unix.test");
        assertEquals(1, carolBox.size(), carolBox.toString());
        assertTrue(carolBox.getFirst().contains("\r\nSubject: two recipients\r\n"), carolBox.getFirst());
        assertTrue(carolBox.getFirst().endsWith("\r\n\r\nfor carol\r\n"), carolBox.getFirst());

        // three recipients accepted at RCPT over TCP: LMTP's one reply per recipient after the dot, each
        // deciding its own; dave@tcp.test is over quota, which Dovecot says only then
        send(m.port(), List.of("bob@tcp.test", "dave@tcp.test", "erin@tcp.test"), "Subject: three recipients\r\n\r\nfor three\r\n");
        WaitFor.condition("three recipients decided", WAIT, () -> m.log().contains("to=<dave@tcp.test>")
                && m.log().contains("to=<erin@tcp.test>") && SmtpClientIT.count(m.log(), "to=<bob@tcp.test>") == 2);
        for (String r : List.of("bob@tcp.test", "erin@tcp.test")) {
            String l = SmtpClientIT.line(m.log(), r);
            assertTrue(l.contains(" postfix/lmtp[") && l.contains("relay=" + tcpRelay + ", "), l);
            assertTrue(l.contains("dsn=2.0.0, status=sent (250 2.0.0 <" + r + "> ") && SAVED.matcher(l).find(), l);
        }
        String dave = SmtpClientIT.line(m.log(), "dave@tcp.test");
        assertTrue(dave.contains(" postfix/lmtp[") && dave.contains("relay=" + tcpRelay + ", "), dave);
        assertTrue(dave.endsWith(", dsn=5.2.2, status=bounced (host " + tcpRelay.replaceFirst(":\\d+$", "") + " said: 552 5.2.2 "
                + "<dave@tcp.test> Quota exceeded (mailbox for user is full) (in reply to end of DATA command))"), dave);
        List<String> bobNow = dovecot.fetchInbox("bob@tcp.test");
        assertEquals(2, bobNow.size(), bobNow.toString());
        assertTrue(bobNow.get(1).contains("\r\nSubject: three recipients\r\n") && bobNow.get(1).endsWith("\r\n\r\nfor three\r\n"), bobNow.get(1));
        List<String> erinBox = dovecot.fetchInbox("erin@tcp.test");
        assertEquals(1, erinBox.size(), erinBox.toString());
        assertTrue(erinBox.getFirst().contains("\r\nSubject: three recipients\r\n"), erinBox.getFirst());
        assertEquals(List.of(), dovecot.fetchInbox("dave@tcp.test"));

        // only unknown recipients: DATA went out pipelined and is refused; the recipient bounces with the RCPT reply
        send(m.port(), List.of("ghost@tcp.test"), "Subject: nobody home\r\n\r\nlost\r\n");
        WaitFor.condition("ghost@tcp.test decided", WAIT, () -> m.log().contains("to=<ghost@tcp.test>"));
        String ghost = SmtpClientIT.line(m.log(), "ghost@tcp.test");
        assertTrue(ghost.endsWith(", dsn=5.1.1, status=bounced (host 127.0.0.1[127.0.0.1] said: 550 5.1.1 <ghost@tcp.test> "
                + "User doesn't exist: ghost@tcp.test (in reply to RCPT TO command))"), ghost);

        // a burst of messages to the socket: sessions may be cached and reused (RSET probe); all arrive
        int before = SmtpClientIT.count(m.log(), "to=<alice@unix.test>");
        sendEach(m.port(), "alice@unix.test", 8);
        WaitFor.condition("the burst delivered", WAIT, () -> SmtpClientIT.count(m.log(), "to=<alice@unix.test>") == before + 8);
        assertEquals(before + 8, SmtpClientIT.count(m.log(), "to=<alice@unix.test>, relay=" + socketRelay + ", "), m.log());
        assertEquals(before + 8, m.log().lines().filter(l -> l.contains(": to=<alice@unix.test>, ") && SAVED.matcher(l).find()).count(), m.log());
        List<String> burst = dovecot.fetchInbox("alice@unix.test");
        assertEquals(1 + 8, burst.size());
        // deliveries run in parallel: the order in the mailbox is not the order sent
        List<String> subjects = burst.subList(1, burst.size()).stream()
                .map(x -> x.replaceFirst("(?s)^.*?\r\nSubject: ([^\r]*)\r\n.*$", "$1")).sorted().toList();
        assertEquals(java.util.stream.IntStream.rangeClosed(1, 8).mapToObj(i -> "burst " + i).toList(), subjects);
        System.out.println("[e2e] lmtp into Dovecot:\n" + String.join("\n", m.log().lines().filter(l -> l.contains(" postfix/lmtp[")).toList()));
    }

    /**
     * Dovecot's LMTP reply to the final dot: "250 2.0.0 <rcpt> SESSION-ID Saved", the session ID with
     * ":T2", ":T3", ... for the second and later transactions of a session and ":R2", ":R3", ... for the
     * second and later recipients of a transaction.
     */
    private static final Pattern SAVED = Pattern.compile("status=sent \\(250 2\\.0\\.0 <[^>]+> [A-Za-z0-9+/]+(:[TR]\\d+)* Saved\\)$");

    private static String queueId(String logLine) {
        Matcher x = Pattern.compile("postfix/lmtp\\[\\d+\\]: ([0-9A-Za-z]+): to=").matcher(logLine);
        assertTrue(x.find(), logLine);
        return x.group(1);
    }

    /** {@code n} messages to {@code rcpt} in one SMTP session, subjects "burst 1" to "burst n". */
    private static void sendEach(int port, String rcpt, int n) throws IOException {
        try (RawSmtp c = new RawSmtp(port)) {
            c.reply();
            c.send("EHLO c.example");
            for (int i = 1; i <= n; i++) {
                assertEquals("250 2.1.0 Ok", c.send("MAIL FROM:<alice@example.com>"));
                assertEquals("250 2.1.5 Ok", c.send("RCPT TO:<" + rcpt + ">"));
                assertTrue(c.send("DATA").startsWith("354"));
                assertTrue(c.send("Subject: burst " + i + "\r\n\r\nbody " + i + "\r\n.").startsWith("250 2.0.0 Ok: queued as"));
            }
            c.send("QUIT");
        }
    }

    /** One message with these recipients. */
    private static void send(int port, List<String> rcpts, String content) throws IOException {
        try (RawSmtp c = new RawSmtp(port)) {
            c.reply();
            c.send("EHLO c.example");
            assertEquals("250 2.1.0 Ok", c.send("MAIL FROM:<alice@example.com>"));
            for (String r : rcpts) assertEquals("250 2.1.5 Ok", c.send("RCPT TO:<" + r + ">"), r);
            assertTrue(c.send("DATA").startsWith("354"));
            c.raw(content + ".\r\n");
            assertTrue(c.reply().startsWith("250 2.0.0 Ok: queued as"));
            c.send("QUIT");
        }
    }
}
