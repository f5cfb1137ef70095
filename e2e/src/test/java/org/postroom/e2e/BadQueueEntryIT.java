package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postroom.testkit.WaitFor;

/**
 * One bad queue entry must not stall the queue (issue 16, item 5): symlinks (to a file qmgr cannot
 * read, in a loop), a directory with a queue ID name, in incoming/ and deferred/, and a truncated
 * queue file left in active/ by a crash, each alone and all together. qmgr warns "not a regular
 * file" and skips the odd entries as Postfix's mail_open_ok() does, saves the truncated file to
 * corrupt/, and good mail sent afterwards is delivered within the normal scan time.
 */
class BadQueueEntryIT {
    private static final List<String> ALL = List.of("symlink-unreadable", "symlink-loop", "directory", "deferred-directory",
            "deferred-symlink", "truncated-active");

    @ParameterizedTest
    @ValueSource(strings = {"symlink-unreadable", "symlink-loop", "directory", "deferred-directory", "deferred-symlink",
            "truncated-active", "all"})
    void badEntryDoesNotStallTheQueue(String kind) throws Exception {
        assumeTrue(MailSystem.isRoot(), "needs root: queue files owned by the mail owner");
        List<String> kinds = kind.equals("all") ? ALL : List.of(kind);
        try (MailSystem m = MailSystem.create("")) {
            m.start();
            m.stop();
            Path q = m.root().resolve("queue");
            UserPrincipal owner = q.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postroom");
            Path secret = Files.createTempDirectory("secret");
            Files.writeString(secret.resolve("file"), "not for qmgr");
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rwx------"));
            Map<String, Predicate<String>> expect = new java.util.LinkedHashMap<>();
            for (String k : kinds) {
                switch (k) {
                    case "symlink-unreadable" -> {
                        Files.createSymbolicLink(q.resolve("incoming/5A1B2C3D4E"), secret.resolve("file"));
                        expect.put(k, log -> log.contains("warning: incoming/5A1B2C3D4E: uid 0: not a regular file"));
                    }
                    case "symlink-loop" -> {
                        Files.createSymbolicLink(q.resolve("incoming/6A1B2C3D4E"), q.resolve("incoming/6A1B2C3D4E"));
                        expect.put(k, log -> log.contains("warning: incoming/6A1B2C3D4E: uid 0: not a regular file"));
                    }
                    case "directory" -> {
                        Path d = Files.createDirectory(q.resolve("incoming/7A1B2C3D4E"));
                        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
                        expect.put(k, log -> log.contains("warning: incoming/7A1B2C3D4E: uid 0: not a regular file"));
                    }
                    case "deferred-directory" -> {
                        Path d = Files.createDirectories(q.resolve("deferred/8/8A1B2C3D4E"));
                        Files.setOwner(d.getParent(), owner);
                        expect.put(k, log -> log.contains("warning: deferred/8/8A1B2C3D4E: uid 0: not a regular file"));
                    }
                    case "deferred-symlink" -> {
                        Path d = Files.createDirectories(q.resolve("deferred/9"));
                        Files.setOwner(d, owner);
                        Files.createSymbolicLink(d.resolve("9A1B2C3D4E"), Path.of("/nonexistent/target"));
                        expect.put(k, log -> log.contains("warning: deferred/9/9A1B2C3D4E: uid 0: not a regular file"));
                    }
                    case "truncated-active" -> {
                        // the start of a real queue file: the SIZE record, cut off inside the next record
                        Path f = q.resolve("active/4A1B2C3D4E");
                        Files.write(f, new byte[] {'C', 95, ' ', ' ', '1', 'T', 30, '1', '7'});
                        Files.setOwner(f, owner);
                        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
                        expect.put(k, log -> log.contains("warning: saving corrupt file \"4A1B2C3D4E\" from queue \"active\" to queue \"corrupt\""));
                    }
                    default -> throw new IllegalArgumentException(k);
                }
            }
            m.start();
            long t0 = System.nanoTime();
            Path md = m.spoolMaildir(MailSystem.localUser());
            for (int i = 0; i < 3; i++) {
                assertEquals("250", HugeHeadersIT.send(m.port(), "Subject: good " + i + "\r\n\r\nbody\r\n").substring(0, 3));
            }
            WaitFor.condition("good mail delivered", Duration.ofSeconds(15), () -> MailSystem.maildir(md).size() == 3);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            for (Map.Entry<String, Predicate<String>> e : expect.entrySet()) {
                WaitFor.condition(e.getKey() + " warned about", Duration.ofSeconds(10), () -> e.getValue().test(m.log()));
            }
            if (kinds.contains("truncated-active")) {
                assertTrue(Files.exists(q.resolve("corrupt/4A1B2C3D4E")), "truncated file saved to corrupt/");
            }
            // the odd entries are skipped, not moved or deleted (Postfix leaves them for the admin)
            if (kinds.contains("directory")) assertTrue(Files.isDirectory(q.resolve("incoming/7A1B2C3D4E")));
            if (kinds.contains("symlink-loop")) assertTrue(Files.isSymbolicLink(q.resolve("incoming/6A1B2C3D4E")));
            assertTrue(Files.isDirectory(q.resolve("active"), LinkOption.NOFOLLOW_LINKS));
            assertTrue(ms < 15_000, "delivered in " + ms + " ms");
            assertTrue(m.service("qmgr").isAlive());
            Files.walk(secret).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

}
