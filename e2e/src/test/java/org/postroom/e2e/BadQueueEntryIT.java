package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
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
 * corrupt/, and good mail sent afterwards is delivered within the normal scan time. At the next start
 * postsuper removes the entries that are not queue files, and old temporary files, exactly as Debian
 * Postfix's start does.
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
            Path q = m.root().resolve("queue");
            UserPrincipal owner0 = q.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postroom");
            if (kinds.contains("truncated-active")) {
                // a file left in active/ by a crash: qmgr finds it when it starts
                m.stop();
                Path f = q.resolve("active/4A1B2C3D4E");
                Files.write(f, new byte[] {'C', 95, ' ', ' ', '1', 'T', 30, '1', '7'});
                Files.setOwner(f, owner0);
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
                m.start();
            }
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
                        // planted above; postsuper at start may rename it to match its inode number
                        expect.put(k, log -> log.contains("\" from queue \"active\" to queue \"corrupt\""));
                    }
                    default -> throw new IllegalArgumentException(k);
                }
            }
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
                try (var c = Files.list(q.resolve("corrupt"))) {
                    assertEquals(1, c.count(), "truncated file saved to corrupt/");
                }
            }
            // the odd entries are skipped, not moved or deleted (Postfix leaves them for the admin)
            if (kinds.contains("directory")) assertTrue(Files.isDirectory(q.resolve("incoming/7A1B2C3D4E")));
            if (kinds.contains("symlink-loop")) assertTrue(Files.isSymbolicLink(q.resolve("incoming/6A1B2C3D4E")));
            assertTrue(Files.isDirectory(q.resolve("active"), LinkOption.NOFOLLOW_LINKS));
            assertTrue(ms < 15_000, "delivered in " + ms + " ms");
            assertTrue(m.service("qmgr").isAlive());
            // the next start runs postsuper, which removes what is not a queue file, as Postfix's does
            m.stop();
            m.start();
            for (String n : List.of("incoming/5A1B2C3D4E", "incoming/6A1B2C3D4E", "incoming/7A1B2C3D4E",
                    "deferred/8/8A1B2C3D4E", "deferred/9/9A1B2C3D4E")) {
                assertTrue(!Files.exists(q.resolve(n), LinkOption.NOFOLLOW_LINKS), n + " removed at start");
            }
            Files.walk(secret).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }


    @org.junit.jupiter.api.Test
    void startCleansTheQueueAsPostfix() throws Exception {
        assumeTrue(MailSystem.isRoot() && org.postroom.testkit.PostfixServer.available(), "needs root and Debian's postfix");
        try (MailSystem m = MailSystem.create(""); org.postroom.testkit.PostfixServer pf = org.postroom.testkit.PostfixServer.start(MailSystem.freePort(), "")) {
            m.start();
            m.stop();
            pf.stop();
            plant(m.root().resolve("queue"));
            plant(pf.root().resolve("spool"));
            m.start();
            pf.startAgain();
            List<String> ref = survivors(pf.root().resolve("spool"));
            assertEquals(List.of("incoming: new file", "maildrop: new file"), ref, "Postfix keeps only the fresh files");
            assertEquals(ref, survivors(m.root().resolve("queue")), "Postroom keeps what Postfix keeps");
        }
    }

    private static final List<String> PLANTED = List.of("incoming/1A1B2C3D4E", "incoming/2A1B2C3D4E", "incoming/3A1B2C3D4E",
            "incoming/4A1B2C3D4E", "maildrop/5A1B2C3D4E", "maildrop/6A1B2C3D4E");

    /** A symlink, a directory, an 8-day-old and a fresh incomplete (0600) file in incoming/ and maildrop/. */
    private static List<String> plant(Path q) throws IOException {
        Files.createSymbolicLink(q.resolve(PLANTED.get(0)), Path.of("/etc/passwd"));
        Files.createDirectory(q.resolve(PLANTED.get(1)));
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofDays(8)));
        for (String n : List.of(PLANTED.get(2), PLANTED.get(4))) {
            Files.writeString(q.resolve(n), "partial");
            Files.setPosixFilePermissions(q.resolve(n), PosixFilePermissions.fromString("rw-------"));
            Files.setLastModifiedTime(q.resolve(n), old);
        }
        for (String n : List.of(PLANTED.get(3), PLANTED.get(5))) {
            Files.writeString(q.resolve(n), "partial");
            Files.setPosixFilePermissions(q.resolve(n), PosixFilePermissions.fromString("rw-------"));
        }
        return PLANTED;
    }

    /** What is left in incoming/ and maildrop/: per directory, the kinds of entries (names may change by inode). */
    private static List<String> survivors(Path q) throws IOException {
        List<String> out = new java.util.ArrayList<>();
        for (String d : List.of("incoming", "maildrop")) {
            try (var s = Files.list(q.resolve(d))) {
                for (Path p : s.sorted().toList()) {
                    String kind = Files.isSymbolicLink(p) ? "symlink" : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "directory"
                            : Files.getLastModifiedTime(p).toInstant().isBefore(java.time.Instant.now().minus(Duration.ofDays(1))) ? "old file" : "new file";
                    out.add(d + ": " + kind);
                }
            }
        }
        return out.stream().sorted().toList();
    }
}
