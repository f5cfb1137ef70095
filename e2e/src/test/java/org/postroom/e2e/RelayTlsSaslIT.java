package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.NsdServer;
import org.postroom.testkit.SmtpReceiver;
import org.postroom.testkit.SmtpReceiver.Options;
import org.postroom.testkit.TestCa;
import org.postroom.testkit.WaitFor;

/**
 * smtp(8)'s STARTTLS and SASL clients against receivers on Debian's python3-aiosmtpd with
 * certificates from a test CA: each TLS security level with its log line (smtp_tls_loglevel = 1), a
 * certificate for the wrong name, a server without STARTTLS at a required level, a handshake that
 * fails at "may" (deferred, then the plaintext retry once the message is older than
 * minimal_backoff_time, as Postfix does), and a relayhost that demands AUTH: the right password, a
 * wrong one, and a server that offers AUTH without TLS (no password is sent).
 */
class RelayTlsSaslIT {
    private static final String ZONE = """
            $ORIGIN tls.test.
            $TTL 60
            @ IN SOA ns hostmaster 1 3600 600 86400 60
            @ IN NS ns
            ns IN A 127.0.0.1
            @ IN MX 10 mx
            mx IN A 127.0.0.1
            wrong IN A 127.0.0.1
            """;

    @Test
    void tlsSecurityLevels() throws Exception {
        assumeTrue(MailSystem.isRoot() && SmtpReceiver.available() && NsdServer.available(), "needs root, aiosmtpd and nsd");
        Path work = readableTempDir("tls-levels");
        TestCa ca = TestCa.create(work, "Postroom Test CA");
        TestCa.Issued mx = ca.issue("mx", "mx.tls.test");
        TestCa.Issued other = ca.issue("other", "other.example");
        TestCa.Issued self = TestCa.selfSigned(work, "self", "self.example");
        int pGood = MailSystem.freePort();
        int pPlain = MailSystem.freePort();
        int pOther = MailSystem.freePort();
        int pSelf = MailSystem.freePort();
        int pBroken = MailSystem.freePort();
        try (NsdServer nsd = NsdServer.start(Map.of("tls.test", ZONE));
             SmtpReceiver good = SmtpReceiver.start(pGood, Options.plain().withStarttls(mx));
             SmtpReceiver plain = SmtpReceiver.start(pPlain, Options.plain());
             SmtpReceiver wrongName = SmtpReceiver.start(pOther, Options.plain().withStarttls(other));
             SmtpReceiver selfSigned = SmtpReceiver.start(pSelf, Options.plain().withStarttls(self));
             MiniSink broken = new MiniSink("127.0.0.1", pBroken, (n, l) -> l.toUpperCase().startsWith("EHLO")
                     ? "250-sink\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME"
                     : l.equalsIgnoreCase("STARTTLS") ? MiniSink.BROKEN_TLS : MiniSink.normal(l));
             MailSystem m = MailSystem.create("dns_servers = " + nsd.dnsServers() + "\n"
                     + "smtp_tls_loglevel = 1\n"
                     + "smtp_tls_CAfile = " + ca.caFile() + "\n"
                     + "minimal_backoff_time = 3s\nmaximal_backoff_time = 6s\nqueue_run_delay = 1s\n"
                     + "transport_maps = inline:{ may.example=smtp:[127.0.0.1]:" + pGood
                     + ", enc.example=smtp:[127.0.0.1]:" + pPlain
                     + ", encself.example=smtp:[127.0.0.1]:" + pSelf + ", verify.example=smtp:[mx.tls.test]:" + pGood
                     + ", tls.test=smtp:tls.test:" + pGood + ", wrong.example=smtp:[wrong.tls.test]:" + pOther
                     + ", broken.example=smtp:[127.0.0.1]:" + pBroken + " }\n"
                     + "smtp_tls_policy_maps = inline:{ [127.0.0.1]:" + pGood + "=may, [127.0.0.1]:" + pPlain + "=encrypt, "
                     + "[127.0.0.1]:" + pSelf + "=encrypt, [mx.tls.test]:" + pGood + "=verify, tls.test:" + pGood + "=secure, "
                     + "[wrong.tls.test]:" + pOther + "=verify, [127.0.0.1]:" + pBroken + "=may }\n")) {
            m.start();
            for (String r : List.of("a@may.example", "b@enc.example", "c@encself.example", "d@verify.example", "e@tls.test",
                    "f@wrong.example", "g@broken.example")) {
                SmtpClientIT.send(m.port(), r, "Subject: to " + r + "\r\n\r\nover TLS\r\n");
            }
            Supplier<String> why = () -> m.log() + "\n--- good receiver:\n" + good.events() + good.output();
            try {
                WaitFor.condition("every level decided", Duration.ofSeconds(60), () -> {
                    String log = m.log();
                    return SmtpClientIT.line(log, "a@may.example").contains("status=")
                            && SmtpClientIT.line(log, "b@enc.example").contains("status=")
                            && SmtpClientIT.line(log, "c@encself.example").contains("status=")
                            && SmtpClientIT.line(log, "d@verify.example").contains("status=")
                            && SmtpClientIT.line(log, "e@tls.test").contains("status=")
                            && SmtpClientIT.line(log, "f@wrong.example").contains("status=")
                            && SmtpClientIT.line(log, "g@broken.example").contains("status=sent");
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + why.get(), e);
            }
            String log = m.log();
            String tls13 = ": TLSv1\\.[23] with cipher \\S+ \\(\\d+/\\d+ bits\\)";
            // may: the server's chain verifies against smtp_tls_CAfile (no name check at this level): Trusted
            assertTrue(has(log, "postfix/smtp\\[\\d+\\]: Trusted TLS connection established to 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:" + pGood + tls13), log);
            assertTrue(SmtpClientIT.line(log, "a@may.example").contains("status=sent (250 2.0.0 Ok: queued as R"), log);
            // encrypt, no STARTTLS offered: deferred, Postfix's text
            assertTrue(SmtpClientIT.line(log, "b@enc.example").contains("relay=127.0.0.1[127.0.0.1]:" + pPlain
                    + ", delay="), log);
            assertTrue(SmtpClientIT.line(log, "b@enc.example").contains("dsn=4.7.4, status=deferred (TLS is required, but was not offered by host "
                    + "127.0.0.1[127.0.0.1])"), log);
            assertEquals(0, plain.messages().size());
            // encrypt, a self-signed certificate: encrypted, not authenticated, sent
            assertTrue(has(log, "Untrusted TLS connection established to 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:" + pSelf + tls13), log);
            assertTrue(SmtpClientIT.line(log, "c@encself.example").contains("status=sent"), log);
            assertTrue(selfSigned.messages().getFirst().tls());
            // verify: chain and the MX host name
            assertTrue(has(log, "Verified TLS connection established to mx\\.tls\\.test\\[127\\.0\\.0\\.1\\]:" + pGood + tls13), log);
            assertTrue(SmtpClientIT.line(log, "d@verify.example").contains("relay=mx.tls.test[127.0.0.1]:" + pGood), log);
            assertTrue(SmtpClientIT.line(log, "d@verify.example").contains("status=sent"), log);
            // secure: the MX found in DNS, the certificate matched against the next-hop domain (dot-nexthop)
            assertTrue(SmtpClientIT.line(log, "e@tls.test").contains("relay=mx.tls.test[127.0.0.1]:" + pGood), log);
            assertTrue(SmtpClientIT.line(log, "e@tls.test").contains("status=sent"), log);
            assertTrue(SmtpClientIT.count(log, "Verified TLS connection established to mx.tls.test[127.0.0.1]:" + pGood) >= 2, log);
            // verify, a certificate for another name: logged, deferred, nothing sent
            assertTrue(log.contains("server certificate verification failed for wrong.tls.test[127.0.0.1]:" + pOther
                    + ": num=62:hostname mismatch"), log);
            assertTrue(SmtpClientIT.line(log, "f@wrong.example").contains("dsn=4.7.5, status=deferred (Server certificate not verified)"), log);
            assertEquals(0, wrongName.messages().size());
            assertFalse(wrongName.events().contains("command MAIL"), wrongName.events().toString());
            // may, a handshake that fails: deferred without throttling while the message is young, then
            // the plaintext retry on a later attempt
            String first = firstLine(log, "g@broken.example");
            assertTrue(first.contains("dsn=4.7.5, status=deferred (Cannot start TLS: handshake failure)"), log);
            assertTrue(log.contains(": Cannot start TLS: handshake failure\n"), log);
            assertTrue(SmtpClientIT.line(log, "g@broken.example").contains("dsn=2.0.0, status=sent (250 2.0.0 Ok: queued)"), log);
            assertEquals(1, broken.messages.get());
            // every message that was sent went over TLS, and the good receiver got three of them
            List<SmtpReceiver.Received> got = good.messages();
            assertEquals(3, got.size(), good.events().toString());
            for (SmtpReceiver.Received r : got) assertTrue(r.tls(), r.envelope());
            assertTrue(got.getFirst().content().contains("over TLS"));
        }
    }

    @Test
    void saslToARelayhost() throws Exception {
        assumeTrue(MailSystem.isRoot() && SmtpReceiver.available(), "needs root and aiosmtpd");
        Path work = readableTempDir("sasl");
        TestCa ca = TestCa.create(work, "Postroom Test CA");
        TestCa.Issued cert = ca.issue("relay", "relay.example", "127.0.0.1");
        int pOk = MailSystem.freePort();
        int pBad = MailSystem.freePort();
        int pPlain = MailSystem.freePort();
        try (SmtpReceiver ok = SmtpReceiver.start(pOk, Options.plain().withStarttls(cert).withUsers("alice:s3cret word"));
             SmtpReceiver bad = SmtpReceiver.start(pBad, Options.plain().withStarttls(cert).withUsers("alice:s3cret word"));
             SmtpReceiver plain = SmtpReceiver.start(pPlain, Options.plain().withUsers("alice:s3cret word").withAuthPlaintext());
             MailSystem m = MailSystem.create("relayhost = [127.0.0.1]:" + pOk + "\n"
                     + "smtp_tls_security_level = may\nsmtp_tls_loglevel = 1\n"
                     + "smtp_sasl_auth_enable = yes\n"
                     // Postfix's defaults rule out PLAIN/LOGIN everywhere; over TLS an admin allows them
                     + "smtp_sasl_tls_security_options = noanonymous\n"
                     + "smtp_sasl_password_maps = inline:{ {[127.0.0.1]:" + pOk + " = alice:s3cret word}, "
                     + "{[127.0.0.1]:" + pBad + " = alice:not the password}, {[127.0.0.1]:" + pPlain + " = alice:s3cret word} }\n"
                     + "transport_maps = inline:{ bad.example=smtp:[127.0.0.1]:" + pBad + ", plain.example=smtp:[127.0.0.1]:" + pPlain + " }\n")) {
            m.start();
            SmtpClientIT.send(m.port(), "bob@far.example", "Subject: relayed\r\n\r\nthrough the relay\r\n");
            SmtpClientIT.send(m.port(), "carol@bad.example", "Subject: wrong password\r\n\r\nbody\r\n");
            SmtpClientIT.send(m.port(), "dave@plain.example", "Subject: no tls\r\n\r\nbody\r\n");
            try {
                WaitFor.condition("three outcomes", Duration.ofSeconds(60), () -> {
                    String log = m.log();
                    return SmtpClientIT.line(log, "bob@far.example").contains("status=")
                            && SmtpClientIT.line(log, "carol@bad.example").contains("status=")
                            && SmtpClientIT.line(log, "dave@plain.example").contains("status=");
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + m.log() + "\n" + ok.events() + ok.output(), e);
            }
            String log = m.log();
            // the right password, over STARTTLS: delivered, and the relay saw the login
            assertTrue(SmtpClientIT.line(log, "bob@far.example").contains("relay=127.0.0.1[127.0.0.1]:" + pOk), log);
            assertTrue(SmtpClientIT.line(log, "bob@far.example").contains("dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as R1)"), log);
            SmtpReceiver.Received r = ok.messages().getFirst();
            assertEquals("alice", r.login(), r.envelope());
            assertTrue(r.tls(), r.envelope());
            assertTrue(r.content().contains("through the relay"));
            assertTrue(ok.events().indexOf("command STARTTLS") < ok.events().indexOf("command AUTH"), ok.events().toString());
            // the wrong one: the server's reply, soft (smtp_sasl_auth_soft_bounce = yes turns 535 into 4.7.8)
            assertTrue(SmtpClientIT.line(log, "carol@bad.example").contains("dsn=4.7.8, status=deferred (SASL authentication failed; "
                    + "server 127.0.0.1[127.0.0.1] said: 535 5.7.8 Authentication credentials invalid)"), log);
            assertTrue(bad.events().contains("auth PLAIN alice failed"), bad.events().toString());
            assertEquals(0, bad.messages().size());
            // AUTH offered without TLS: the password is never sent
            assertTrue(SmtpClientIT.line(log, "dave@plain.example").contains("status=deferred (SASL authentication failed: server "
                    + "127.0.0.1[127.0.0.1] offered no compatible authentication mechanisms for this type of connection security)"), log);
            assertFalse(plain.events().contains("command AUTH"), plain.events().toString());
            assertEquals(0, plain.messages().size());
            assertFalse(log.contains("s3cret") || log.contains("not the password"), "no password in the log");
        }
    }

    /** A directory the unprivileged users of Postroom's services and of the receivers can read. */
    private static Path readableTempDir(String prefix) throws java.io.IOException {
        return java.nio.file.Files.createTempDirectory(prefix,
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    private static boolean has(String log, String regex) {
        return Pattern.compile(regex).matcher(log).find();
    }

    private static String firstLine(String log, String rcpt) {
        for (String l : log.split("\n")) if (l.contains("to=<" + rcpt + ">")) return l;
        return "";
    }
}
