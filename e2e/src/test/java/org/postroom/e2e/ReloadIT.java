package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.WaitFor;

/** Issue 2, point 6: reload applies a new smtpd_banner and loses no queued mail. */
class ReloadIT {
    @Test
    void reloadChangesBannerAndKeepsQueue() throws Exception {
        try (MailSystem m = MailSystem.create("default_transport = offline\n")) {
            m.start();
            // Mail for a remote domain: its transport (offline) is not in master.cf, so it stays deferred.
            try (RawSmtp c = new RawSmtp(m.port())) {
                c.reply();
                c.send("EHLO client.example.org");
                c.send("MAIL FROM:<alice@example.org>");
                assertEquals("250 2.1.5 Ok", c.send("RCPT TO:<bob@remote.example.net>"));
                c.send("DATA");
                String queued = c.send("Subject: keep me\r\n\r\nbody\r\n.");
                assertTrue(queued.startsWith("250 2.0.0 Ok: queued as "), queued);
            }
            WaitFor.condition("deferral", Duration.ofSeconds(30), () -> m.log().contains("status=deferred (mail transport unavailable)"));
            List<Path> before = queued(m);
            assertEquals(1, before.size(), "one message queued");

            Files.writeString(m.etc().resolve("main.cf"), "smtpd_banner = $myhostname ESMTP reloaded banner\n", StandardOpenOption.APPEND);
            MailSystem.Result r = m.tool("postfix", null, "reload");
            assertEquals(0, r.status(), r.stderr());
            assertTrue(r.stderr().contains("refreshing the Postfix mail system"), r.stderr());
            WaitFor.condition("new banner", Duration.ofSeconds(30), () -> banner(m).equals("220 mail.example.com ESMTP reloaded banner"));
            assertEquals(1, queued(m).size(), "the queued message survived the reload");
            assertTrue(m.log().contains("reload -- version "), m.log());
        }
    }

    static List<Path> queued(MailSystem m) throws Exception {
        try (var s = Files.walk(m.root().resolve("queue"))) {
            return s.filter(p -> Files.isRegularFile(p) && List.of("incoming", "active", "deferred")
                    .contains(m.root().resolve("queue").relativize(p).getName(0).toString())).toList();
        }
    }

    /**
     * A master started with SIGHUP ignored (nohup, or a shell that traps HUP) still reloads: the JVM
     * would otherwise keep the inherited "ignore" and refuse the handler without a word.
     */
    @Test
    void reloadWorksWhenStartedUnderNohup() throws Exception {
        try (MailSystem m = MailSystem.create("")) {
            MailSystem.Result r = MailSystem.run(List.of("nohup", MailSystem.DIST.resolve("bin/postfix").toString(), "-c",
                    m.etc().toString(), "start"), null, java.util.Map.of(), Duration.ofSeconds(60));
            assertEquals(0, r.status(), r.stderr());
            WaitFor.condition("smtpd up", Duration.ofSeconds(30), m::smtpUp);
            Files.writeString(m.etc().resolve("main.cf"), "smtpd_banner = $myhostname ESMTP after nohup\n", StandardOpenOption.APPEND);
            assertEquals(0, m.tool("postfix", null, "reload").status());
            WaitFor.condition("new banner", Duration.ofSeconds(30), () -> banner(m).equals("220 mail.example.com ESMTP after nohup"));
            assertEquals(0, m.tool("postfix", null, "stop").status());
        }
    }

    static String banner(MailSystem m) {
        try (RawSmtp c = new RawSmtp(m.port())) {
            String b = c.reply();
            c.send("QUIT");
            return b == null ? "" : b;
        } catch (Exception e) {
            return "";
        }
    }
}
