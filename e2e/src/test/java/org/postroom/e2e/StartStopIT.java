package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.WaitFor;

/** Issue 2, points 1 and 6: start in under 20 s, services visible by name in ps, status, clean stop and restart. */
class StartStopIT {
    @Test
    void startsStopsAndStartsAgain() throws Exception {
        try (MailSystem m = MailSystem.create("")) {
            long t0 = System.nanoTime();
            m.start();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 20_000, "start took " + ms + " ms");
            System.out.println("[e2e] start-up until every service socket and the SMTP banner are up: " + ms + " ms");

            List<String> shown = m.processes().stream().map(p -> MailSystem.run(List.of("ps", "-o", "args=", "-p",
                    Long.toString(p.pid())), null, Map.of(), Duration.ofSeconds(10)).stdout().strip()).toList();
            // master holds every socket: at start only qmgr and pickup run beside it, and smtpd, which the
            // banner probe of start() has woken; the others start with their first client
            for (String name : List.of("master", "smtpd", "pickup", "qmgr")) {
                assertTrue(shown.stream().anyMatch(l -> l.startsWith("postroom/" + name + " ")), "ps shows postroom/" + name + "\n" + shown);
            }
            for (String name : List.of("cleanup", "local", "trivial-rewrite", "bounce", "smtp ")) {
                assertFalse(shown.stream().anyMatch(l -> l.startsWith("postroom/" + name)), "postroom/" + name + " is not started yet\n" + shown);
            }
            MailSystem.Result st = m.tool("postfix", null, "status");
            assertEquals(0, st.status());
            assertTrue(st.stderr().contains("the Postfix mail system is running: PID: "), st.stderr());

            MailSystem.Result again = m.tool("postfix", null, "start");
            assertEquals(1, again.status());
            assertTrue(again.stderr().contains("the Postfix mail system is already running"), again.stderr());

            m.stop();
            assertTrue(m.processes().isEmpty(), "processes left: " + m.processes());
            MailSystem.Result down = m.tool("postfix", null, "status");
            assertEquals(1, down.status());
            assertTrue(down.stderr().contains("the Postfix mail system is not running"), down.stderr());
            assertTrue(Files.exists(m.root().resolve("queue/pid/master.pid")), "pid file stays, unlocked");

            m.start();
            try (RawSmtp c = new RawSmtp(m.port())) {
                assertEquals("220 mail.example.com ESMTP Postfix", c.reply());
                assertEquals("221 2.0.0 Bye", c.send("QUIT"));
            }
            assertFalse(m.log().contains("panic:"), m.log());
        }
    }

    /**
     * Issue 11, point 3: services start when their first client arrives and exit after max_idle; after a
     * quiet period only master, pickup and qmgr remain, and the next message is delivered without error.
     */
    @Test
    void servicesStartOnDemandAndExitWhenIdle() throws Exception {
        try (MailSystem m = MailSystem.create("max_idle = 3s\n")) {
            m.start();
            Path md = m.spoolMaildir(MailSystem.localUser());
            String rcpt = MailSystem.localUser() + "@localhost";
            for (int round = 1; round <= 2; round++) {
                WaitFor.condition("only master, pickup and qmgr left", Duration.ofSeconds(60), () -> {
                    List<String> r = running(m);
                    if (!r.equals(List.of("master", "pickup", "qmgr"))) System.out.println("[e2e] still running: " + r);
                    return r.equals(List.of("master", "pickup", "qmgr"));
                });
                long t0 = System.nanoTime();
                try (RawSmtp c = new RawSmtp(m.port())) {
                    assertTrue(c.reply().startsWith("220 "));
                    long banner = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(c.send("HELO client.example").startsWith("250"));
                    assertTrue(c.send("MAIL FROM:<a@example.org>").startsWith("250"));
                    assertTrue(c.send("RCPT TO:<" + rcpt + ">").startsWith("250"));
                    assertTrue(c.send("DATA").startsWith("354"));
                    String queued = c.send("Subject: cold " + round + "\r\n\r\nbody\r\n.");
                    long accepted = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(queued.startsWith("250 2.0.0 Ok: queued as "), queued);
                    c.send("QUIT");
                    int want = round;
                    WaitFor.condition("delivered", Duration.ofSeconds(60), () -> MailSystem.maildir(md).size() == want);
                    long delivered = (System.nanoTime() - t0) / 1_000_000;
                    System.out.println("[e2e] from idle (" + String.join(", ", running(m)) + " running now): banner after " + banner
                            + " ms, 250 after DATA at " + accepted + " ms, in the mailbox at " + delivered + " ms");
                }
            }
            // warm: the same message while every service runs
            long t0 = System.nanoTime();
            assertTrue(HugeHeadersIT.send(m.port(), "Subject: warm\r\n\r\nbody\r\n").startsWith("250 "));
            WaitFor.condition("delivered", Duration.ofSeconds(60), () -> MailSystem.maildir(md).size() == 3);
            System.out.println("[e2e] warm: in the mailbox after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            for (String bad : List.of("exit status", "killed by signal", "fatal:", "panic:", "bad command startup")) {
                assertFalse(m.log().contains(bad), bad + " in the log:\n" + m.log());
            }
        }
    }

    /** The programs of the instance's live processes (postroom/NAME), sorted, smtp clients and bounce included. */
    private static List<String> running(MailSystem m) {
        return m.processes().stream().map(p -> MailSystem.run(List.of("ps", "-o", "args=", "-p", Long.toString(p.pid())), null,
                        Map.of(), Duration.ofSeconds(10)).stdout().strip())
                .filter(l -> l.startsWith("postroom/")).map(l -> l.substring("postroom/".length()).split(" ")[0]).sorted().toList();
    }

    @Test
    void badConfigurationNamesFileLineAndParameter() throws Exception {
        try (MailSystem m = MailSystem.create("smtpd_timeout = forever")) {
            MailSystem.Result r = m.tool("postfix", null, "start");
            assertEquals(1, r.status());
            List<String> lines = Files.readAllLines(m.etc().resolve("main.cf"));
            int n = lines.indexOf("smtpd_timeout = forever") + 1;
            String expected = m.etc().resolve("main.cf") + ":" + n + ": smtpd_timeout: bad time";
            assertTrue(r.stderr().contains(expected), r.stderr());
            assertTrue(m.processes().isEmpty());
        }
    }

    @Test
    void refusesChroot() throws Exception {
        try (MailSystem m = MailSystem.create("")) {
            Files.writeString(m.etc().resolve("master.cf"), Files.readString(m.etc().resolve("master.cf"))
                    .replace("cleanup   unix  n       -       n", "cleanup   unix  n       -       y"));
            MailSystem.Result r = m.tool("postfix", null, "start");
            assertEquals(1, r.status());
            assertTrue(r.stderr().contains("master.cf:") && r.stderr().contains("chroot=y is not supported"), r.stderr());
        }
    }
}
