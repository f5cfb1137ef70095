package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.NsdServer;
import org.postroom.testkit.PostfixServer;
import org.postroom.testkit.WaitFor;

/**
 * smtp(8), first steps (issue 8): mail for remote domains leaves the machine. The domains live in a
 * private nsd; the receiving MX is a private Debian Postfix that holds what it accepts. Delivered,
 * rejected (5xx at RCPT: bounced), refused for now (4xx: deferred), null MX, NXDOMAIN and a connection
 * refused, each with Postfix's log line.
 */
class RemoteDeliveryIT {
    @Test
    void mailLeavesTheMachine() throws Exception {
        assumeTrue(MailSystem.isRoot() && PostfixServer.available() && NsdServer.available(), "needs root, Debian's postfix and nsd");
        String zone = """
                $ORIGIN remote.test.
                $TTL 60
                @ IN SOA ns hostmaster 1 3600 600 86400 60
                @ IN NS ns
                ns IN A 127.0.0.1
                @ IN MX 10 mx1
                mx1 IN A 127.0.0.1
                nullmx IN MX 0 .
                down IN MX 10 mx1
                """;
        String peerCf = "mynetworks = 127.0.0.0/8\nsmtpd_recipient_restrictions = check_recipient_access "
                + "inline:{ { reject@remote.test = 550 5.1.1 no such user here }, { later@remote.test = 450 4.2.0 try again later } }\n";
        int closed = MailSystem.freePort();
        try (NsdServer nsd = NsdServer.start(Map.of("remote.test", zone));
             PostfixServer peer = PostfixServer.start(MailSystem.freePort(), peerCf)) {
            String cf = "dns_servers = " + nsd.dnsServers() + "\n"
                    + "transport_maps = inline:{ remote.test=smtp:remote.test:" + peer.port()
                    + ", down.remote.test=smtp:down.remote.test:" + closed + " }\n";
            try (MailSystem m = MailSystem.create(cf)) {
                m.start();
                try (RawSmtp c = new RawSmtp(m.port())) {
                    c.reply();
                    c.send("HELO c.example");
                    assertEquals("250 2.1.0 Ok", c.send("MAIL FROM:<alice@example.com>"));
                    for (String r : new String[] {"bob@remote.test", "reject@remote.test", "later@remote.test",
                            "carol@nullmx.remote.test", "dave@nx.remote.test", "erin@down.remote.test"}) {
                        assertEquals("250 2.1.5 Ok", c.send("RCPT TO:<" + r + ">"), r);
                    }
                    assertTrue(c.send("DATA").startsWith("354"));
                    c.raw("Subject: out\r\n\r\n..leading dot\r\nbody\r\n.\r\n");
                    assertTrue(c.reply().startsWith("250 2.0.0 Ok: queued as"));
                    c.send("QUIT");
                }
                WaitFor.condition("Postfix holds the delivered message", Duration.ofSeconds(60), () -> held(peer) == 1);
                String body = peer.body(peer.held().getFirst());
                assertTrue(body.contains(".leading dot\n"), "dot-stuffing undone by the receiver: " + body);
                WaitFor.condition("six results logged", Duration.ofSeconds(60), () -> count(m.log(), "postfix/smtp[") >= 6);
                String log = m.log();
                assertTrue(log.matches("(?s).*to=<bob@remote\\.test>, relay=mx1\\.remote\\.test\\[127\\.0\\.0\\.1\\]:" + peer.port()
                        + ", delay=[0-9.]+, delays=[0-9./]+, dsn=2\\.0\\.0, status=sent \\(250 2\\.0\\.0 Ok: queued as \\w+\\).*"), log);
                assertTrue(log.contains("to=<reject@remote.test>, relay=mx1.remote.test[127.0.0.1]:" + peer.port()), log);
                assertTrue(log.contains("dsn=5.1.1, status=bounced (host mx1.remote.test[127.0.0.1] said: 550 5.1.1 <reject@remote.test>:"
                        + " Recipient address rejected: no such user here (in reply to RCPT TO command))"), log);
                assertTrue(log.contains("dsn=4.2.0, status=deferred (host mx1.remote.test[127.0.0.1] said: 450 4.2.0 <later@remote.test>:"
                        + " Recipient address rejected: try again later (in reply to RCPT TO command))"), log);
                assertTrue(log.contains("to=<carol@nullmx.remote.test>, relay=none"), log);
                assertTrue(log.contains("dsn=5.1.0, status=bounced (Domain nullmx.remote.test does not accept mail (nullMX))"), log);
                assertTrue(log.contains("dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=nx.remote.test type=A: Host not found)"), log);
                assertTrue(log.contains("to=<erin@down.remote.test>, relay=none"), log);
                assertTrue(log.contains("status=deferred (connect to mx1.remote.test[127.0.0.1]:" + closed + ": Connection refused)"), log);
                // the deferred recipients wait in the queue with their reasons
                String mailq = m.tool("postqueue", null, "-p").stdout();
                assertTrue(mailq.contains("later@remote.test") && mailq.contains("erin@down.remote.test"), mailq);
                assertEquals(1, held(peer));
            }
        }
    }

    @Test
    void relayhostTakesEverything() throws Exception {
        assumeTrue(MailSystem.isRoot() && PostfixServer.available(), "needs root and Debian's postfix");
        try (PostfixServer peer = PostfixServer.start(MailSystem.freePort(), "mynetworks = 127.0.0.0/8\n");
             MailSystem m = MailSystem.create("relayhost = [127.0.0.1]:" + peer.port() + "\n")) {
            m.start();
            assertTrue(HugeHeadersIT.send(m.port(), "Subject: via relayhost\r\n\r\nbody\r\n").startsWith("250 "));
            // HugeHeadersIT.send writes to the local user; a remote one goes through the relayhost
            try (RawSmtp c = new RawSmtp(m.port())) {
                c.reply();
                c.send("HELO c.example");
                c.send("MAIL FROM:<alice@example.com>");
                assertEquals("250 2.1.5 Ok", c.send("RCPT TO:<someone@far.example>"));
                c.send("DATA");
                assertTrue(c.send("Subject: far\r\n\r\nbody\r\n.").startsWith("250 "));
                c.send("QUIT");
            }
            WaitFor.condition("held by the relay", Duration.ofSeconds(60), () -> held(peer) == 1);
            // the relay can hold the message a moment before smtp(8) has logged the result
            WaitFor.condition("the delivery line", Duration.ofSeconds(30),
                    () -> m.log().contains("to=<someone@far.example>, relay=127.0.0.1[127.0.0.1]:" + peer.port()));
        }
    }

    private static int count(String s, String what) {
        return s.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    private static int held(PostfixServer pf) {
        try {
            return pf.held().size();
        } catch (IOException e) {
            return -1;
        }
    }
}
