package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.NsdServer;
import org.postroom.testkit.PostfixServer;
import org.postroom.testkit.WaitFor;

/**
 * smtp(8) against real DNS (a private nsd) and real receivers: Debian's smtp-sink with its fault
 * injection on several loopback addresses, a private Debian Postfix, and scripted servers for what
 * neither can play. MX preference and failover, soft and hard replies, 421, equal preferences sharing
 * the load, SERVFAIL, a server that never greets, a 4xx retried after the backoff, the 8BITMIME
 * downgrade, and the connection cache (1,000 messages over far fewer connections).
 */
class SmtpClientIT {
    private static final String ZONE = """
            $ORIGIN test.
            $TTL 60
            @ IN SOA ns hostmaster 1 3600 600 86400 60
            @ IN NS ns
            ns IN A 127.0.0.1
            fo IN MX 10 mx1.fo
            fo IN MX 20 mx2.fo
            mx1.fo IN A 127.0.0.2
            mx2.fo IN A 127.0.0.3
            soft IN MX 10 mx1.soft
            soft IN MX 20 mx2.soft
            mx1.soft IN A 127.0.0.4
            mx2.soft IN A 127.0.0.3
            q421 IN MX 10 mx1.q421
            q421 IN MX 20 mx2.q421
            mx1.q421 IN A 127.0.0.5
            mx2.q421 IN A 127.0.0.3
            hard IN MX 10 mx1.hard
            hard IN MX 20 mx2.hard
            mx1.hard IN A 127.0.0.6
            mx2.hard IN A 127.0.0.3
            eq IN MX 10 a.eq
            eq IN MX 10 b.eq
            a.eq IN A 127.0.0.3
            b.eq IN A 127.0.0.7
            aonly IN A 127.0.0.3
            """;

    /** Debian's smtp-sink on address:port with extra options; started before the test talks to it. */
    static Process sink(String address, int port, String... options) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/smtp-sink", "-u", "nobody"));
        cmd.addAll(List.of(options));
        cmd.add(address + ":" + port);
        cmd.add("100");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        WaitFor.condition("smtp-sink on " + address + ":" + port, Duration.ofSeconds(20), () -> {
            try (java.net.Socket s = new java.net.Socket(address, port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return p;
    }

    @Test
    void mxFailoverRepliesAndDns() throws Exception {
        assumeTrue(MailSystem.isRoot() && NsdServer.available() && Path.of("/usr/sbin/smtp-sink").toFile().canExecute(),
                "needs root, nsd and smtp-sink");
        int port = MailSystem.freePort();
        List<Process> sinks = new ArrayList<>();
        try (NsdServer nsd = NsdServer.start(Map.of("test", ZONE));
             MiniSink silent = new MiniSink("127.0.0.8", port, (n, l) -> null)) {
            sinks.add(sink("127.0.0.3", port));
            sinks.add(sink("127.0.0.4", port, "-r", "RCPT"));
            sinks.add(sink("127.0.0.5", port, "-Q", "MAIL"));
            sinks.add(sink("127.0.0.6", port, "-f", "RCPT"));
            sinks.add(sink("127.0.0.7", port));
            StringBuilder transports = new StringBuilder();
            for (String d : List.of("fo", "soft", "q421", "hard", "eq", "aonly")) {
                transports.append(d).append(".test=smtp:").append(d).append(".test:").append(port).append(", ");
            }
            transports.append("sf.other=smtp:sf.other:").append(port).append(", ");
            transports.append("slow.test=smtp:[127.0.0.8]:").append(port);
            String cf = "dns_servers = " + nsd.dnsServers() + "\n"
                    + "transport_maps = inline:{ " + transports + " }\n"
                    + "smtp_helo_timeout = 2s\n"
                    + "smtp_connection_cache_on_demand = no\n";
            try (MailSystem m = MailSystem.create(cf)) {
                m.start();
                List<String> rcpts = List.of("a@fo.test", "b@soft.test", "c@q421.test", "d@hard.test", "e@aonly.test",
                        "f@sf.other", "g@slow.test");
                for (String r : rcpts) send(m.port(), r, "Subject: to " + r + "\r\n\r\nbody\r\n");
                for (int i = 0; i < 20; i++) send(m.port(), "x" + i + "@eq.test", "Subject: eq\r\n\r\nbody\r\n");
                WaitFor.condition("every delivery logged", Duration.ofSeconds(60),
                        () -> count(m.log(), "postfix/smtp[") >= 27 && m.log().contains("to=<g@slow.test>"));

                String log = m.log();
                // the preferred MX refuses connections: logged, then the next one takes the mail
                assertTrue(log.contains("connect to mx1.fo.test[127.0.0.2]:" + port + ": Connection refused"), log);
                assertTrue(log.contains("to=<a@fo.test>, relay=mx2.fo.test[127.0.0.3]:" + port), log);
                assertTrue(line(log, "a@fo.test").contains("status=sent (250 2.0.0 Ok)"), log);
                // 450 at RCPT from the first MX: an info line, then the second MX
                assertTrue(log.matches("(?s).*: host mx1\\.soft\\.test\\[127\\.0\\.0\\.4\\] said: 450 4\\.3\\.0 Error: command failed \\(in reply to RCPT TO command\\).*"), log);
                assertTrue(line(log, "b@soft.test").contains("relay=mx2.soft.test[127.0.0.3]:" + port), log);
                assertTrue(line(log, "b@soft.test").contains("status=sent"), log);
                // 421 at MAIL: the next MX
                assertTrue(log.contains("host mx1.q421.test[127.0.0.5] said: 421"), log);
                assertTrue(line(log, "c@q421.test").contains("status=sent"), line(log, "c@q421.test"));
                // 5xx bounces at once; the second MX is not asked
                assertTrue(line(log, "d@hard.test").contains("relay=mx1.hard.test[127.0.0.6]:" + port), log);
                assertTrue(line(log, "d@hard.test").contains("dsn=5.3.0, status=bounced (host mx1.hard.test[127.0.0.6] said: "
                        + "500 5.3.0 Error: command failed (in reply to RCPT TO command))"), log);
                // no MX: the domain's A record
                assertTrue(line(log, "e@aonly.test").contains("relay=aonly.test[127.0.0.3]:" + port), log);
                assertTrue(line(log, "e@aonly.test").contains("status=sent"), log);
                // SERVFAIL (nsd refuses a zone it does not serve): deferred, the reason in mailq
                assertTrue(line(log, "f@sf.other").contains("dsn=4.4.3, status=deferred (Host or domain name not found. "
                        + "Name service error for name=sf.other type=MX: Host not found, try again)"), log);
                // the agent logs before qmgr writes the defer log that mailq shows: wait for it
                String reason = "(Host or domain name not found. Name service error for name=sf.other type=MX: Host not found, try again)";
                WaitFor.condition("the deferral in mailq", Duration.ofSeconds(30), () -> m.tool("postqueue", null, "-p").stdout().contains(reason));
                // a server that never greets: smtp_helo_timeout
                assertTrue(line(log, "g@slow.test").contains("dsn=4.4.2, status=deferred (conversation with 127.0.0.8[127.0.0.8] "
                        + "timed out while receiving the initial server greeting)"), log);
                // equal preferences share the load
                int a = count(log, "relay=a.eq.test[127.0.0.3]");
                int b = count(log, "relay=b.eq.test[127.0.0.7]");
                assertEquals(20, a + b, log);
                assertTrue(a > 0 && b > 0, "both equal-preference MX hosts used: " + a + "/" + b);
            }
        } finally {
            for (Process p : sinks) p.destroy();
        }
    }

    @Test
    void softRejectIsRetriedAfterTheBackoff() throws Exception {
        assumeTrue(MailSystem.isRoot(), "needs root");
        int port = MailSystem.freePort();
        AtomicBoolean refused = new AtomicBoolean();
        try (MiniSink sink = new MiniSink("127.0.0.1", port, (n, l) -> l.startsWith("RCPT") && refused.compareAndSet(false, true)
                ? "450 4.2.1 mailbox busy, try later" : MiniSink.normal(l));
             MailSystem m = MailSystem.create("relayhost = [127.0.0.1]:" + port + "\nminimal_backoff_time = 2s\n"
                     + "maximal_backoff_time = 4s\nqueue_run_delay = 1s\n")) {
            m.start();
            send(m.port(), "bob@far.example", "Subject: retry\r\n\r\nbody\r\n");
            WaitFor.condition("deferred, then sent", Duration.ofSeconds(60), () -> m.log().contains("to=<bob@far.example>")
                    && m.log().contains("status=sent"));
            String log = m.log();
            assertTrue(log.contains("dsn=4.2.1, status=deferred (host 127.0.0.1[127.0.0.1] said: 450 4.2.1 mailbox busy, try later "
                    + "(in reply to RCPT TO command))"), log);
            assertTrue(log.indexOf("status=deferred") < log.indexOf("status=sent"), log);
            assertEquals(1, sink.messages.get());
        }
    }

    @Test
    void eightBitBodyIsDowngradedForAServerWithout8BitMime() throws Exception {
        assumeTrue(MailSystem.isRoot() && PostfixServer.available(), "needs root and Debian's postfix");
        try (PostfixServer peer = PostfixServer.start(MailSystem.freePort(), "mynetworks = 127.0.0.0/8\nsmtpd_discard_ehlo_keywords = 8bitmime, smtputf8\n");
             MailSystem m = MailSystem.create("relayhost = [127.0.0.1]:" + peer.port() + "\n")) {
            m.start();
            send(m.port(), "bob@far.example", "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Transfer-Encoding: 8bit\r\nSubject: 8bit\r\n\r\nGr\u00fc\u00dfe aus K\u00f6ln = ok\r\n");
            try {
                WaitFor.condition("held by the peer", Duration.ofSeconds(30), () -> held(peer) == 1);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + m.log() + "\n--- peer:\n" + peer.log(), e);
            }
            String id = peer.held().getFirst();
            String headers = peer.headers(id);
            String body = peer.body(id);
            assertTrue(headers.contains("Content-Transfer-Encoding: quoted-printable"), headers);
            assertFalse(headers.contains("Content-Transfer-Encoding: 8bit"), headers);
            assertTrue(body.contains("Gr=C3=BC=C3=9Fe aus K=C3=B6ln =3D ok"), body);
            // no SIZE= when the content is converted, and no BODY= for a server without 8BITMIME
            assertFalse(peer.log().contains("warning"), peer.log());
        }
    }

    @Test
    void dsnParametersAndSmtputf8ArePassedOn() throws Exception {
        assumeTrue(MailSystem.isRoot() && PostfixServer.available(), "needs root and Debian's postfix");
        try (PostfixServer peer = PostfixServer.start(MailSystem.freePort(), "mynetworks = 127.0.0.0/8\n");
             PostfixServer noUtf8 = PostfixServer.start(MailSystem.freePort(), "mynetworks = 127.0.0.0/8\nsmtputf8_enable = no\n");
             MailSystem m = MailSystem.create("relayhost = [127.0.0.1]:" + peer.port() + "\n"
                     + "transport_maps = inline:{ ascii.example=smtp:[127.0.0.1]:" + noUtf8.port() + " }\n")) {
            m.start();
            try (RawSmtp c = new RawSmtp(m.port())) {
                c.reply();
                c.send("EHLO c.example");
                assertEquals("250 2.1.0 Ok", c.send("MAIL FROM:<alice@example.com> RET=HDRS ENVID=QQ+2B314 SMTPUTF8"));
                assertEquals("250 2.1.5 Ok", c.send("RCPT TO:<bob@far.example> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;bob+2Bold@far.example"));
                assertEquals("250 2.1.5 Ok", c.send("RCPT TO:<carol@far.example> NOTIFY=NEVER"));
                assertTrue(c.send("DATA").startsWith("354"));
                c.raw(new String("Subject: Gr\u00fc\u00dfe\r\n\r\nbody\r\n.\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        java.nio.charset.StandardCharsets.ISO_8859_1));
                assertTrue(c.reply().startsWith("250 2.0.0 Ok: queued as"));
                // the same UTF-8 header, to a server without SMTPUTF8
                assertEquals("250 2.1.0 Ok", c.send("MAIL FROM:<alice@example.com> SMTPUTF8"));
                assertEquals("250 2.1.5 Ok", c.send("RCPT TO:<dave@ascii.example>"));
                assertTrue(c.send("DATA").startsWith("354"));
                c.raw(new String("Subject: Gr\u00fc\u00dfe\r\n\r\nbody\r\n.\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        java.nio.charset.StandardCharsets.ISO_8859_1));
                assertTrue(c.reply().startsWith("250 2.0.0 Ok: queued as"));
                c.send("QUIT");
            }
            try {
                WaitFor.condition("held by the peer", Duration.ofSeconds(30), () -> held(peer) == 1);
                WaitFor.condition("the SMTPUTF8 verdict", Duration.ofSeconds(30), () -> line(m.log(), "dave@ascii.example").contains("status="));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + m.log() + "\n--- peer:\n" + peer.log(), e);
            }
            String env = peer.envelope(peer.held().getFirst());
            // what the peer's smtpd took from our MAIL and RCPT commands, as its own postcat shows it
            assertTrue(env.contains("envelope_id=QQ+314"), env);
            assertTrue(env.contains("ret_flags=2"), env);
            assertTrue(env.contains("notify_flags=10"), env);
            assertTrue(env.contains("dsn_orig_rcpt=rfc822;bob+old@far.example"), env);
            assertTrue(env.contains("notify_flags=1"), env);
            assertTrue(env.contains("dsn_orig_rcpt=rfc822;carol@far.example"), env);
            // MAIL FROM ... SMTPUTF8 reached it: bit 1 (requested) in the size record's sendopts field
            Matcher size = Pattern.compile("message_size:(?:\\s+\\d+){5}\\s+(\\d+)").matcher(env);
            assertTrue(size.find(), env);
            assertEquals(1, Integer.parseInt(size.group(1)) & 1, env);
            assertTrue(line(m.log(), "dave@ascii.example").contains("dsn=5.6.7, status=bounced (message requires SMTPUTF8, but no server "
                    + "was found that supports SMTPUTF8. The last attempted server was 127.0.0.1[127.0.0.1])"), m.log());
            assertEquals(0, held(noUtf8));
        }
    }

    @Test
    void connectionCacheCarriesManyMessagesOverFewConnections() throws Exception {
        assumeTrue(MailSystem.isRoot() && PostfixServer.available() && LocalDeliveryIT.onPath("smtp-source"),
                "needs root, Debian's postfix and smtp-source");
        int messages = 1000;
        try (PostfixServer peer = PostfixServer.start(MailSystem.freePort(), "mynetworks = 127.0.0.0/8\n");
             MailSystem m = MailSystem.create("relayhost = [127.0.0.1]:" + peer.port() + "\n")) {
            m.start();
            MailSystem.Result r = MailSystem.run(List.of("smtp-source", "-s", "10", "-m", Integer.toString(messages), "-l", "2048",
                    "-f", "alice@example.com", "-t", "bob@far.example", "127.0.0.1:" + m.port()), null, Map.of(), Duration.ofSeconds(300));
            assertEquals(0, r.status(), r.stderr());
            WaitFor.condition(messages + " messages held by the peer", Duration.ofSeconds(300), () -> held(peer) >= messages);
            WaitFor.condition(messages + " delivery lines", Duration.ofSeconds(60), () -> count(m.log(), "status=sent") >= messages);
            String plog = peer.log();
            int connections = count(plog, "]: connect from ");
            int reused = count(m.log(), ", conn_use=");
            System.out.println("[e2e] connection cache: " + messages + " messages over " + connections
                    + " connections to the relay; " + reused + " delivery lines with conn_use");
            assertTrue(connections <= messages / 5, connections + " connections for " + messages + " messages");
            assertTrue(reused >= messages / 2, reused + " reused-session deliveries");
            assertEquals(messages, count(m.log(), "status=sent"));
        }
    }

    static void send(int port, String rcpt, String content) throws IOException {
        try (RawSmtp c = new RawSmtp(port)) {
            c.reply();
            c.send("EHLO c.example");
            assertEquals("250 2.1.0 Ok", c.send("MAIL FROM:<alice@example.com>"));
            assertEquals("250 2.1.5 Ok", c.send("RCPT TO:<" + rcpt + ">"), rcpt);
            assertTrue(c.send("DATA").startsWith("354"));
            c.raw(new String((content + ".\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.ISO_8859_1));
            assertTrue(c.reply().startsWith("250 2.0.0 Ok: queued as"));
            c.send("QUIT");
        }
    }

    /** The delivery line for a recipient (the last one when there are several). */
    static String line(String log, String rcpt) {
        Matcher mt = Pattern.compile("^.*to=<" + Pattern.quote(rcpt) + ">.*$", Pattern.MULTILINE).matcher(log);
        String last = "";
        while (mt.find()) last = mt.group();
        return last;
    }

    static int count(String s, String what) {
        return s.split(Pattern.quote(what), -1).length - 1;
    }

    static int held(PostfixServer pf) {
        try {
            return pf.held().size();
        } catch (IOException e) {
            return -1;
        }
    }
}
