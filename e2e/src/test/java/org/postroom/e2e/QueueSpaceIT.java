package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.PostfixServer;
import org.postroom.testkit.WaitFor;

/**
 * A queue file system running out of space (issue 16, item 6): MAIL is refused with 452 4.3.1 while
 * less than 1.5 times message_size_limit (plus queue_minfree) is free, exactly as Debian Postfix
 * answers and logs it; on a small loop-mounted file system filled to the brink, messages that do not
 * fit are refused with a temporary error after DATA, nothing acknowledged is lost, no partial file is
 * left behind, and mail flows again once space is freed.
 */
class QueueSpaceIT {
    private static final String RCPT = MailSystem.localUser() + "@localhost";

    @Test
    void mailIsRefusedAsPostfixRefusesIt() throws Exception {
        assumeTrue(MailSystem.isRoot() && PostfixServer.available(), "needs root and Debian's postfix");
        // a message_size_limit as large as the free space of /tmp: neither system has room for 1.5 of them
        long free = Files.getFileStore(Path.of(System.getProperty("java.io.tmpdir"))).getUsableSpace();
        String cf = "message_size_limit = " + free + "\nmailbox_size_limit = 0\nvirtual_mailbox_limit = 0\n";
        try (MailSystem pr = MailSystem.create(cf); PostfixServer pf = PostfixServer.start(MailSystem.freePort(), cf)) {
            pr.start();
            String dialog = "EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<" + RCPT + ">\r\nQUIT\r\n";
            String prReplies = RawSmtp.dialog(pr.port(), dialog);
            String pfReplies = RawSmtp.dialog(pf.port(), dialog);
            assertEquals(pfReplies, prReplies);
            assertTrue(prReplies.contains("452 4.3.1 Insufficient system storage"), prReplies);
            WaitFor.condition("Postfix logs the reject and the warning", Duration.ofSeconds(10),
                    () -> log(pf).contains("Insufficient system storage") && log(pf).contains("not enough free space"));
            assertEquals(lines(log(pf)), lines(pr.log()));
        }
    }

    @Test
    void aFullLoopMountedQueueLosesNothing() throws Exception {
        assumeTrue(MailSystem.isRoot(), "needs root to mount a file system");
        try (MailSystem m = MailSystem.create("message_size_limit = 4000000\n")) {
            Path img = m.root().resolve("queue.img");
            Path q = m.root().resolve("queue");
            try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
                f.setLength(48L << 20);
            }
            assertEquals(0, MailSystem.run(List.of("mkfs.ext4", "-q", "-F", img.toString()), null, java.util.Map.of(), Duration.ofSeconds(60)).status());
            MailSystem.Result mount = MailSystem.run(List.of("mount", "-o", "loop", img.toString(), q.toString()), null, java.util.Map.of(), Duration.ofSeconds(30));
            assumeTrue(mount.status() == 0, "loop mount not permitted here: " + mount.stderr());
            try {
                Files.deleteIfExists(q.resolve("lost+found"));
                m.start();
                Path filler = q.resolve("filler");
                // leave about 5 MB: less than 1.5 * 4 MB, so MAIL is refused before any data is sent
                fill(q, filler, 5L << 20);
                String dialog = "EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nQUIT\r\n";
                assertTrue(RawSmtp.dialog(m.port(), dialog).contains("452 4.3.1 Insufficient system storage"));
                // leave about 6.5 MB: MAIL passes, but three parallel 3.5 MB messages do not all fit
                fill(q, filler, 6_500_000L);
                String body = "Subject: big\r\n\r\n" + ("x".repeat(998) + "\r\n").repeat(3500);
                List<String> replies = new ArrayList<>();
                try (ExecutorService ex = Executors.newFixedThreadPool(3)) {
                    List<Future<String>> fs = new ArrayList<>();
                    for (int i = 0; i < 3; i++) fs.add(ex.submit(() -> HugeHeadersIT.send(m.port(), body)));
                    for (Future<String> f : fs) replies.add(f.get());
                }
                long accepted = replies.stream().filter(r -> r.startsWith("250 ")).count();
                for (String r : replies) {
                    assertTrue(r.startsWith("250 ") || r.startsWith("4"), "a temporary error, not a loss: " + replies);
                }
                assertTrue(accepted < 3, "three did not fit: " + replies);
                Path md = m.spoolMaildir(MailSystem.localUser());
                WaitFor.condition(accepted + " accepted messages delivered", Duration.ofSeconds(60),
                        () -> delivered(md) == accepted);
                WaitFor.condition("no partial queue files", Duration.ofSeconds(30), () -> files(q.resolve("incoming")) == 0
                        && files(q.resolve("active")) == 0);
                // space again: mail flows
                Files.delete(filler);
                assertTrue(HugeHeadersIT.send(m.port(), "Subject: after\r\n\r\nbody\r\n").startsWith("250 "));
                WaitFor.condition("delivered after space came back", Duration.ofSeconds(30),
                        () -> delivered(md) == accepted + 1);
                assertTrue(m.service("cleanup").isAlive());
            } finally {
                m.stop();
                MailSystem.run(List.of("umount", q.toString()), null, java.util.Map.of(), Duration.ofSeconds(30));
            }
        }
    }

    /**
     * The messages in the Maildir other than postmaster notices: the refusals for want of space are
     * resource errors, and the postmaster (this user, by alias) hears of them (notify_classes default).
     */
    private static long delivered(Path maildir) {
        return MailSystem.maildir(maildir).stream().filter(p -> {
            try {
                return !Files.readString(p, java.nio.charset.StandardCharsets.UTF_8).contains("\nSubject: Postfix SMTP server: errors from ");
            } catch (IOException e) {
                return false; // being written
            }
        }).count();
    }

    /** Grows or shrinks {@code filler} until about {@code leave} bytes are left for unprivileged writers. */
    private static void fill(Path fs, Path filler, long leave) throws IOException {
        long size = Files.exists(filler) ? Files.size(filler) : 0;
        long usable = Files.getFileStore(fs).getUsableSpace();
        long target = Math.max(0, size + usable - leave);
        try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
            if (target < size) {
                f.setLength(target);
            } else {
                f.seek(size);
                byte[] zero = new byte[1 << 20];
                for (long left = target - size; left > 0; left -= zero.length) f.write(zero, 0, (int) Math.min(left, zero.length));
            }
            f.getFD().sync();
        }
    }

    private static long files(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The reject and warning lines, without the parts that differ between the two systems. */
    private static List<String> lines(String log) {
        return log.lines().filter(l -> l.contains("Insufficient system storage") || l.contains("not enough free space"))
                .map(l -> l.substring(l.indexOf(": ", l.indexOf("]: ")) + 2)
                        .replaceAll("\\d+ bytes", "N bytes").replaceAll("\\[\\d+\\]", ""))
                .toList();
    }

    private static String log(PostfixServer pf) {
        try {
            return pf.log();
        } catch (IOException e) {
            return "";
        }
    }
}
