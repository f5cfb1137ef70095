package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.WaitFor;

/**
 * Issue 2, point 4: under a 2,000-message load, kill -9 smtpd, cleanup, qmgr and local one at a time.
 * master must restart each, and every message that got a 250 must be delivered. Duplicates (a message
 * delivered twice because a process died between delivering and recording it) are counted and printed.
 */
class CrashRecoveryIT {
    static final Pattern TOKEN = Pattern.compile("X-Load-Token: <(\\d+)>");

    @Test
    void killDashNineLosesNothing() throws Exception {
        try (MailSystem m = MailSystem.create("")) {
            m.start();
            String user = MailSystem.localUser();
            LoadClient load = new LoadClient(m.port(), 2000, user + "@localhost", 1024);
            // Debian's smtp-source adds real-peer load on top, restarted whenever it gives up (it abandons a
            // message whose session is cut, so only the tracked client can prove that every 250 was delivered)
            java.util.concurrent.atomic.AtomicInteger sourceRuns = new java.util.concurrent.atomic.AtomicInteger();
            Thread source = !LocalDeliveryIT.onPath("smtp-source") ? null : Thread.ofPlatform().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        Process p = new ProcessBuilder("smtp-source", "-s", "10", "-m", "200", "-l", "1024", "-f",
                                "source@example.org", "-t", user + "@localhost", "127.0.0.1:" + m.port())
                                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                        sourceRuns.incrementAndGet();
                        try {
                            p.waitFor();
                        } finally {
                            p.destroyForcibly();
                        }
                    } catch (java.io.IOException e) {
                        return;
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            Thread loader = Thread.ofPlatform().start(() -> {
                try {
                    load.run(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            int step = 300;
            for (String svc : List.of("smtpd", "cleanup", "qmgr", "local")) {
                int at = step;
                WaitFor.condition(at + " messages acknowledged", Duration.ofSeconds(180), () -> load.acked.size() >= at || !loader.isAlive());
                ProcessHandle victim = m.service(svc);
                long pid = victim.pid();
                victim.destroyForcibly();
                System.out.println("[e2e] kill -9 " + svc + " (pid " + pid + ") after " + load.acked.size() + " acknowledged messages");
                WaitFor.condition(svc + " restarted", Duration.ofSeconds(60), () -> {
                    try {
                        return m.service(svc).pid() != pid;
                    } catch (AssertionError e) {
                        return false;
                    }
                });
                step += 400;
            }
            loader.join(Duration.ofMinutes(5).toMillis());
            if (source != null) {
                source.interrupt();
                source.join();
                System.out.println("[e2e] smtp-source (10 sessions, 200 messages a run) ran " + sourceRuns.get()
                        + " times beside the tracked client");
            }
            assertEquals(2000, load.acked.size(), "all messages acknowledged eventually");
            Path maildir = m.spoolMaildir(user);
            WaitFor.condition("every acknowledged message delivered", Duration.ofSeconds(240), () -> {
                m.tool("postfix", null, "flush");
                return delivered(maildir).keySet().containsAll(load.acked);
            });
            Map<Integer, Integer> got = delivered(maildir);
            int duplicates = got.values().stream().mapToInt(c -> c - 1).sum();
            System.out.println("[e2e] acknowledged=" + load.acked.size() + " attempts=" + load.attempts.get() + " client-side failures="
                    + load.failures.get() + " delivered-unique=" + got.size() + " duplicates=" + duplicates);
            for (String svc : List.of("smtpd", "cleanup", "qmgr", "local")) {
                assertTrue(m.log().contains("warning: process " + MailSystem.DIST.resolve("libexec/" + svc) + " pid "), "master logged the death of " + svc);
            }
        }
    }

    static Map<Integer, Integer> delivered(Path maildir) {
        Map<Integer, Integer> counts = new HashMap<>();
        Set<Path> seen = new HashSet<>();
        for (Path p : MailSystem.maildir(maildir)) {
            if (!seen.add(p)) continue;
            try {
                String head = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
                Matcher mt = TOKEN.matcher(head);
                if (mt.find()) counts.merge(Integer.parseInt(mt.group(1)), 1, Integer::sum);
            } catch (Exception e) {
                // being written
            }
        }
        return counts;
    }
}
