package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
            for (String name : List.of("master", "smtpd", "pickup", "cleanup", "qmgr", "trivial-rewrite", "local")) {
                assertTrue(shown.stream().anyMatch(l -> l.startsWith("postroom/" + name + " ")), "ps shows postroom/" + name + "\n" + shown);
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
