package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.WaitFor;

/**
 * authorized_mailq_users, authorized_flush_users and authorized_submit_users, as Postfix 3.7 words and
 * exits (checked against Debian's postqueue and sendmail), and postqueue -i/-s for users who may not touch
 * the queue (through flush(8)): tools run as other users with runuser(1), so this needs root (as CI runs).
 */
class ToolAclIT {
    @Test
    void userListsDecideWhoMayListFlushAndSubmit() throws Exception {
        assumeTrue(MailSystem.isRoot(), "runs tools as other users: needs root");
        int nobody = uid("nobody");
        int daemon = uid("daemon");
        try (MailSystem m = MailSystem.create("""
                authorized_mailq_users = root
                authorized_flush_users = !nobody, static:anyone
                authorized_submit_users = !nobody, static:anyone
                fast_flush_domains = remote.example.net
                default_transport = offline
                minimal_backoff_time = 300s
                maximal_backoff_time = 4000s
                queue_run_delay = 300s
                """)) {
            m.start();
            // listing: only root (and mail_owner, always)
            for (String mode : List.of("-p", "-j")) {
                MailSystem.Result r = as(m, "nobody", "postqueue", null, mode);
                assertEquals(69, r.status(), r.stderr());
                assertEquals("postqueue: fatal: User nobody(" + nobody + ") is not allowed to view the mail queue\n", r.stderr());
                assertEquals("", r.stdout());
            }
            MailSystem.Result r = as(m, "daemon", "mailq", null);
            assertEquals("postqueue: fatal: User daemon(" + daemon + ") is not allowed to view the mail queue\n", r.stderr());
            r = as(m, "postroom", "postqueue", null, "-p");
            assertEquals(0, r.status(), r.stderr());
            assertEquals("Mail queue is empty\n", r.stdout());
            r = m.tool("postqueue", null, "-p");
            assertEquals("Mail queue is empty\n", r.stdout());
            // postqueue is not set-gid: showq itself refuses a client of nobody's own (SO_PEERCRED)
            String raw = "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\n"
                    + "d=b''\nwhile True:\n  b=s.recv(65536)\n  if not b: break\n  d+=b\nprint(len(d))\n";
            Path showq = m.root().resolve("queue/public/showq");
            r = MailSystem.run(List.of("runuser", "-u", "nobody", "--", "python3", "-c", raw, showq.toString()), null, Map.of(),
                    Duration.ofSeconds(60));
            assertEquals("0\n", r.stdout(), r.stderr());
            assertTrue(m.log().contains("warning: refusing the queue listing to user nobody (authorized_mailq_users)"), m.log());
            r = MailSystem.run(List.of("runuser", "-u", "postroom", "--", "python3", "-c", raw, showq.toString()), null, Map.of(),
                    Duration.ofSeconds(60));
            assertTrue(Integer.parseInt(r.stdout().strip()) > 0, "mail_owner gets the listing: " + r.stdout() + r.stderr());
            r = MailSystem.run(List.of("runuser", "-u", "nobody", "--", "python3", "-c", raw,
                    m.root().resolve("queue/public/flush").toString()), null, Map.of(), Duration.ofSeconds(60));
            assertEquals("0\n", r.stdout(), r.stderr());
            assertTrue(m.log().contains("warning: refusing to flush for user nobody (authorized_flush_users)"), m.log());

            // flushing: everybody but nobody
            r = as(m, "nobody", "postqueue", null, "-f");
            assertEquals(69, r.status());
            assertEquals("postqueue: fatal: User nobody(" + nobody + ") is not allowed to flush the mail queue\n", r.stderr());
            r = as(m, "daemon", "postqueue", null, "-f");
            assertEquals(0, r.status(), r.stderr());
            // submission: refused before anything is written; root is not exempt in Postfix, nor here
            String message = "Subject: acl\n\nbody\n";
            r = as(m, "nobody", "sendmail", message, "-f", "n@example.org", "root");
            assertEquals(75, r.status());
            assertEquals("sendmail: fatal: User nobody(" + nobody + ") is not allowed to submit mail\n", r.stderr());
            r = as(m, "nobody", "sendmail", "", "-bs");
            assertEquals(75, r.status());
            assertEquals("sendmail: fatal: User nobody(" + nobody + ") is not allowed to submit mail\n", r.stderr());
            assertEquals(List.of(), maildrop(m));
            r = as(m, "daemon", "sendmail", message, "-f", "d@example.org", "root");
            assertEquals(0, r.status(), r.stderr());
            WaitFor.condition("daemon's message delivered", Duration.ofSeconds(60),
                    () -> m.log().contains("uid=" + daemon + " from=<d@example.org>") && m.log().contains("status=sent"));

            // -i and -s for users who may not touch the queue: through flush(8)
            r = as(m, "daemon", "sendmail", message, "-f", "d@example.org", "bob@remote.example.net");
            assertEquals(0, r.status(), r.stderr());
            WaitFor.condition("deferred", Duration.ofSeconds(60), () -> count(m.log(), "to=<bob@remote.example.net>") == 1
                    && !QueueToolsIT.ids(m, "deferred").isEmpty());
            String deferred = QueueToolsIT.ids(m, "deferred").get(0);
            r = as(m, "daemon", "postqueue", null, "-i", deferred);
            assertEquals(0, r.status(), r.stderr());
            WaitFor.condition("retried after -i", Duration.ofSeconds(60), () -> count(m.log(), deferred + ": to=<bob@remote.example.net>") == 2);
            WaitFor.condition("deferred again", Duration.ofSeconds(60), () -> QueueToolsIT.ids(m, "deferred").contains(deferred));
            r = as(m, "daemon", "postqueue", null, "-s", "remote.example.net");
            assertEquals(0, r.status(), r.stderr());
            WaitFor.condition("retried after -s", Duration.ofSeconds(60), () -> count(m.log(), deferred + ": to=<bob@remote.example.net>") == 3);
            r = as(m, "daemon", "postqueue", null, "-s", "other.example");
            assertEquals(69, r.status());
            assertEquals("postqueue: fatal: Flush service is not configured for destination \"other.example\"\n", r.stderr());
            r = as(m, "daemon", "postqueue", null, "-s", "bad/site");
            assertEquals("postqueue: fatal: Cannot flush mail queue - invalid destination: \"bad/site\"\n", r.stderr());
            r = as(m, "daemon", "postqueue", null, "-i", "../x");
            assertEquals(69, r.status());
            assertEquals("postqueue: fatal: Cannot flush queue ID - invalid name: \"../x\"\n", r.stderr());
            r = as(m, "nobody", "postqueue", null, "-i", deferred);
            assertEquals("postqueue: fatal: User nobody(" + nobody + ") is not allowed to flush the mail queue\n", r.stderr());

            // a file put into maildrop without sendmail is judged by its owner in pickup
            m.stop();
            r = as(m, "daemon", "sendmail", message, "-f", "sneaky@example.org", "root");
            assertEquals(0, r.status(), r.stderr());
            List<Path> waiting = maildrop(m);
            assertEquals(1, waiting.size());
            Files.setAttribute(waiting.get(0), "unix:uid", nobody);
            m.start();
            WaitFor.condition("pickup removes nobody's file", Duration.ofSeconds(60), () -> maildrop(m).isEmpty()
                    && m.log().contains(": uid=" + nobody + ": User nobody(" + nobody + ") is not allowed to submit mail"));
            assertFalse(m.log().contains("from=<sneaky@example.org>"), m.log());
            assertTrue(m.log().contains("warning: maildrop/" + waiting.get(0).getFileName() + ": uid=" + nobody), m.log());
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    private static MailSystem.Result as(MailSystem m, String user, String tool, String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", user, "--", MailSystem.DIST.resolve("bin/" + tool).toString()));
        cmd.addAll(List.of(args));
        return MailSystem.run(cmd, stdin, Map.of("MAIL_CONFIG", m.etc().toString()), Duration.ofSeconds(60));
    }

    private static List<Path> maildrop(MailSystem m) {
        try (Stream<Path> s = Files.list(m.root().resolve("queue/maildrop"))) {
            return s.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int uid(String user) throws IOException {
        for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
            String[] f = line.split(":");
            if (f.length > 2 && f[0].equals(user)) return Integer.parseInt(f[2]);
        }
        throw new AssertionError("no passwd entry for " + user);
    }
}
