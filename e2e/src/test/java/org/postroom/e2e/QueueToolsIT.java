package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.WaitFor;

/**
 * Issue 4, point 1: a live queue with deferred (with reasons), held and active messages, listed by mailq
 * and postqueue -j, then postsuper -h/-H/-r/-d on single IDs, on ALL and per queue, with the queue
 * directories checked after each step.
 */
class QueueToolsIT {
    private static final Pattern ID = Pattern.compile("(?m)^([0-9A-F]{6,})[*!#]?\\s");

    @Test
    void listAndManageTheQueue() throws Exception {
        // Postfix's retry timing: once deferred, messages stay put, so listings are not racing qmgr
        // (the harness default retries every second, and a scan can miss a file qmgr is moving)
        try (MailSystem m = MailSystem.create("minimal_backoff_time = 300s\nmaximal_backoff_time = 4000s\nqueue_run_delay = 300s\n"
                + "default_transport = offline\n")) {
            m.start();
            for (int i = 0; i < 4; i++) submit(m, "alice" + i + "@example.org", List.of("bob@remote.example.net", "carol@remote.example.net"));
            WaitFor.condition("4 deferred", Duration.ofSeconds(60), () -> live(m).size() == 4
                    && count(m.log(), "status=deferred (mail transport unavailable)") >= 8);

            MailSystem.Result q = m.tool("mailq", null);
            assertEquals(0, q.status(), q.stderr());
            assertTrue(q.stdout().startsWith("-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n"), q.stdout());
            assertTrue(q.stdout().contains("\n" + " ".repeat(76 - 26) + "(mail transport unavailable)\n"
                    + " ".repeat(41) + "bob@remote.example.net\n" + " ".repeat(41) + "carol@remote.example.net\n"), q.stdout());
            assertTrue(q.stdout().endsWith(" Kbytes in 4 Requests.\n"), q.stdout());
            assertEquals(new TreeSet<>(live(m)), listed(q.stdout()));
            json(m, 4);

            List<String> all = new ArrayList<>(live(m));
            String a = all.get(0), b = all.get(1), c = all.get(2), d = all.get(3);
            // single IDs
            MailSystem.Result r = m.tool("postsuper", null, "-h", a);
            assertEquals("postsuper: " + a + ": placed on hold\npostsuper: Placed on hold: 1 message\n", r.stderr());
            assertEquals(List.of(a), ids(m, "hold"));
            assertTrue(m.tool("mailq", null).stdout().contains("\n" + a + "!"), "held mark");
            assertEquals("postsuper: Placed on hold: 0 messages\n", m.tool("postsuper", null, "-h", a).stderr());
            r = m.tool("postsuper", null, "-H", a);
            assertEquals("postsuper: " + a + ": released from hold\npostsuper: Released from hold: 1 message\n", r.stderr());
            assertEquals(4, live(m).size());
            // ALL, and ALL per queue
            assertEquals("postsuper: Placed on hold: 4 messages\n", m.tool("postsuper", null, "-h", "ALL").stderr());
            assertEquals(4, ids(m, "hold").size());
            assertEquals(0, live(m).size());
            assertEquals("postsuper: Released from hold: 4 messages\n", m.tool("postsuper", null, "-H", "ALL").stderr());
            assertEquals(4, live(m).size());
            m.tool("postsuper", null, "-h", b);
            // "-h ALL deferred" takes what is in deferred at that moment; qmgr may be retrying some (active)
            Matcher held = Pattern.compile("^postsuper: Placed on hold: (\\d+) messages?\n$")
                    .matcher(m.tool("postsuper", null, "-h", "ALL", "deferred").stderr());
            assertTrue(held.matches());
            int n = Integer.parseInt(held.group(1));
            assertTrue(n >= 1 && n <= 3, "held " + n);
            assertEquals(1 + n, ids(m, "hold").size());
            assertEquals("postsuper: Released from hold: " + (1 + n) + " message" + (n == 0 ? "" : "s") + "\n",
                    m.tool("postsuper", null, "-H", "ALL").stderr());
            assertEquals(0, ids(m, "hold").size());
            json(m, 4);
            // requeue: a new queue ID through pickup, orig_id logged, the old file gone
            r = m.tool("postsuper", null, "-r", c);
            assertEquals("postsuper: " + c + ": requeued\npostsuper: Requeued: 1 message\n", r.stderr());
            WaitFor.condition("requeued through pickup", Duration.ofSeconds(60), () -> m.log().contains("orig_id=" + c));
            assertFalse(ids(m, "hold").contains(c) || live(m).contains(c), "old file gone");
            Matcher nm = Pattern.compile("([0-9A-F]+): uid=\\d+ from=<alice\\d@example.org> orig_id=" + c).matcher(m.log());
            assertTrue(nm.find(), m.log());
            String newId = nm.group(1);
            // settled: pickup removes the maildrop file only after cleanup queued the copy, and qmgr moves the
            // new file incoming -> active -> deferred; count only once it rests in deferred
            WaitFor.condition("new ID deferred and maildrop empty", Duration.ofSeconds(60),
                    () -> ids(m, "deferred").contains(newId) && ids(m, "maildrop").isEmpty() && ids(m, "active").isEmpty());
            // delete: a missing ID changes nothing, a bad ID is refused, then single, per queue, ALL
            int before = total(m);
            assertEquals("postsuper: Deleted: 0 messages\n", m.tool("postsuper", null, "-d", "NOSUCH1").stderr());
            assertEquals(before, total(m));
            assertEquals("postsuper: warning: invalid mail queue id: bad/id\npostsuper: Deleted: 0 messages\n",
                    m.tool("postsuper", null, "-d", "bad/id").stderr());
            r = m.tool("postsuper", null, "-d", d);
            assertEquals("postsuper: " + d + ": removed\npostsuper: Deleted: 1 message\n", r.stderr());
            assertEquals(before - 1, total(m));
            r = m.tool("postsuper", null, "-d", "-", "hold");
            assertEquals(0, r.status());
            r = m.tool("postsuper", b + "\n", "-d", "-");
            assertEquals("postsuper: " + b + ": removed\npostsuper: Deleted: 1 message\n", r.stderr());
            assertEquals(before - 2, total(m));
            assertEquals("postsuper: Deleted: " + (before - 2) + " message" + (before - 2 == 1 ? "" : "s") + "\n",
                    m.tool("postsuper", null, "-d", "ALL").stderr());
            assertEquals(0, total(m));
            assertEquals("Mail queue is empty\n", m.tool("mailq", null).stdout());

            // the system down: root reads the queue itself; an active file is marked '*'
            submit(m, "dave@example.org", List.of("erin@remote.example.net"));
            WaitFor.condition("1 deferred", Duration.ofSeconds(60), () -> live(m).size() == 1);
            String e = live(m).get(0);
            m.stop();
            Path q2 = m.root().resolve("queue");
            Path now = find(q2, e);
            if (!now.getParent().equals(q2.resolve("active"))) Files.move(now, q2.resolve("active").resolve(e));
            r = m.tool("postqueue", null, "-p");
            assertEquals(0, r.status(), r.stderr());
            assertTrue(r.stderr().startsWith("postqueue: warning: Mail system is down -- accessing queue directly "
                    + "(Connect to the Postfix showq service: "), r.stderr());
            assertTrue(r.stdout().contains("\n" + e + "*"), r.stdout());
            assertEquals("postsuper: " + e + ": placed on hold\npostsuper: Placed on hold: 1 message\n",
                    m.tool("postsuper", null, "-h", e).stderr());
            assertEquals(List.of(e), ids(m, "hold"));
            if (MailSystem.isRoot()) {
                MailSystem.Result nobody = MailSystem.run(List.of("runuser", "-u", "nobody", "--",
                        MailSystem.DIST.resolve("bin/postqueue").toString(), "-p"), null, Map.of("MAIL_CONFIG", m.etc().toString()),
                        Duration.ofSeconds(60));
                assertEquals(69, nobody.status(), nobody.stderr());
                assertEquals("postqueue: fatal: Queue report unavailable - mail system is down\n", nobody.stderr());
            }
        }
    }

    /**
     * postsuper -e and -f as Postfix 3.7 prints them; the marked messages show "#" in mailq and qmgr returns
     * them at their next attempt (here: postqueue -f) without trying to deliver them.
     */
    @Test
    void forceExpire() throws Exception {
        try (MailSystem m = MailSystem.create("minimal_backoff_time = 300s\nmaximal_backoff_time = 4000s\nqueue_run_delay = 300s\n"
                + "default_transport = offline\n")) {
            m.start();
            for (int i = 0; i < 3; i++) submit(m, "exp" + i + "@example.org", List.of("bob@remote.example.net"));
            WaitFor.condition("3 deferred", Duration.ofSeconds(60), () -> ids(m, "deferred").size() == 3
                    && count(m.log(), "status=deferred (mail transport unavailable)") >= 3);
            List<String> all = ids(m, "deferred");
            String a = all.get(0), b = all.get(1), c = all.get(2);
            MailSystem.Result r = m.tool("postsuper", null, "-e", a);
            assertEquals("postsuper: " + a + ": expired\npostsuper: Force-expired: 1 message\n", r.stderr());
            assertEquals("postsuper: Force-expired: 0 messages\n", m.tool("postsuper", null, "-e", a).stderr());
            assertEquals("postsuper: " + b + ": placed on hold\npostsuper: Placed on hold: 1 message\n",
                    m.tool("postsuper", null, "-h", b).stderr());
            r = m.tool("postsuper", null, "-f", b);
            assertEquals("postsuper: " + b + ": expired\npostsuper: " + b + ": released from hold\n"
                    + "postsuper: Force-expired: 1 message\npostsuper: Released from hold: 1 message\n", r.stderr());
            r = m.tool("postsuper", null, "-f", "../x");
            assertEquals("postsuper: warning: invalid mail queue id: ../x\npostsuper: warning: invalid mail queue id: ../x\n"
                    + "postsuper: Force-expired: 0 messages\npostsuper: Released from hold: 0 messages\n", r.stderr());
            String q = m.tool("mailq", null).stdout();
            assertTrue(q.contains("\n" + a + "#") && q.contains("\n" + b + "#") && q.contains("\n" + c + " "), q);
            assertEquals(0, m.tool("postqueue", null, "-f").status());
            WaitFor.condition("expired ones returned, the other deferred again", Duration.ofSeconds(60),
                    () -> m.log().contains(a + ": removed") && m.log().contains(b + ": removed")
                            && count(m.log(), c + ": to=<bob@remote.example.net>") >= 2);
            for (String x : List.of(a, b)) {
                assertTrue(Pattern.compile(Pattern.quote(x) + ": from=<exp\\d@example\\.org>, status=force-expired, returned to sender")
                        .matcher(m.log()).find(), m.log());
                assertEquals(1, count(m.log(), x + ": to=<"), "no delivery attempt after the expiry: " + x);
            }
            assertEquals(2, count(m.log(), ", status=force-expired, returned to sender"));
            // each sender gets its non-delivery report (queued here: the senders' domain is offline too)
            List<String> expected = new java.util.ArrayList<>(List.of(c));
            for (String x : List.of(a, b)) {
                java.util.regex.Matcher n = Pattern.compile(Pattern.quote(x) + ": sender non-delivery notification: (\\w+)").matcher(m.log());
                assertTrue(n.find(), m.log());
                expected.add(n.group(1));
            }
            WaitFor.condition("the reports queued", Duration.ofSeconds(30),
                    () -> new java.util.HashSet<>(live(m)).equals(new java.util.HashSet<>(expected)));
        }
    }

    private static void submit(MailSystem m, String from, List<String> to) throws IOException {
        try (RawSmtp s = new RawSmtp(m.port())) {
            s.reply();
            s.send("EHLO client.example.org");
            s.send("MAIL FROM:<" + from + ">");
            for (String t : to) assertEquals("250 2.1.5 Ok", s.send("RCPT TO:<" + t + ">"));
            s.send("DATA");
            String queued = s.send("Subject: queue tools\r\n\r\nbody\r\n.");
            assertTrue(queued.startsWith("250 2.0.0 Ok: queued as "), queued);
        }
    }

    /** postqueue -j: one valid JSON object per message, checked by Python's json module. */
    private static void json(MailSystem m, int messages) {
        MailSystem.Result j = m.tool("postqueue", null, "-j");
        assertEquals(0, j.status(), j.stderr());
        assertEquals(messages, j.stdout().lines().count(), j.stdout());
        MailSystem.Result py = MailSystem.run(List.of("python3", "-c", "import json,sys\nfor l in sys.stdin:\n"
                + "  o=json.loads(l); assert list(o)==['queue_name','queue_id','arrival_time','message_size','forced_expire','sender','recipients'], o\n"
                + "  assert all('address' in r for r in o['recipients'])\nprint('ok')"), j.stdout(), Map.of(), Duration.ofSeconds(30));
        assertEquals("ok\n", py.stdout(), py.stderr() + j.stdout());
    }

    static TreeSet<String> listed(String mailq) {
        TreeSet<String> out = new TreeSet<>();
        Matcher mm = ID.matcher(mailq);
        while (mm.find()) out.add(mm.group(1));
        return out;
    }

    /** Queue IDs in one queue directory, hash subdirectories included. */
    static List<String> ids(MailSystem m, String queue) {
        Path d = m.root().resolve("queue").resolve(queue);
        if (!Files.isDirectory(d)) return List.of();
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** IDs in incoming, active and deferred: qmgr moves them between these at any time. */
    static List<String> live(MailSystem m) {
        List<String> out = new ArrayList<>();
        for (String q : List.of("incoming", "active", "deferred")) out.addAll(ids(m, q));
        return out.stream().sorted().toList();
    }

    static int total(MailSystem m) {
        int n = 0;
        for (String q : List.of("maildrop", "incoming", "active", "deferred", "hold")) n += ids(m, q).size();
        return n;
    }

    private static Path find(Path dir, String id) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().equals(id) && !p.startsWith(dir.resolve("defer")))
                    .findFirst().orElseThrow();
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }
}
