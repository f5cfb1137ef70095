package org.postroom.pickup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.global.config.MainCf;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.cleanup.CleanupStatus;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;
import org.postroom.service.ServiceContext;
import org.postroom.testkit.WaitFor;

/** Pickup against a fake cleanup server on a real Unix-domain socket, in a temporary queue directory. */
class PickupTest {
    private static final String GOOD = """
            T 1795288452 942905
            A rewrite_context=local
            F Alice
            S alice@example.org
            R bob@example.net
            M
            N Subject: hi
            N
            N body
            X
            R carol@example.net
            E
            """;

    @TempDir
    Path queueDir;
    private FakeCleanup cleanup;
    private Path log;
    private int uid;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(queueDir.resolve("maildrop"));
        cleanup = new FakeCleanup(queueDir);
        log = queueDir.resolve("maillog");
        Files.createFile(log);
        Msg.init("postfix", "pickup", "mail.example.com", log.toString(), false);
        uid = org.postroom.util.Posix.getuid();
    }

    @AfterEach
    void tearDown() throws IOException {
        cleanup.close();
        Msg.init("postfix", "pickup", "mail.example.com", "", false);
    }

    @Test
    void forwardsWithReceivedHeaderFirstAndRemovesTheFile() throws IOException {
        Path f = drop("A1B2C3", GOOD);
        pickup(Map.of()).scan();
        assertFalse(Files.exists(f));
        assertEquals("flags=1\n" + """
                T <time>
                A rewrite_context=local
                F Alice
                S alice@example.org
                R bob@example.net
                M\s
                N Received: by mail.example.com (Postfix, from userid UID)
                N \\tid ABC123; <date>
                N Subject: hi
                N\s
                N body
                X\s
                R carol@example.net
                E\s
                """.replace("UID", String.valueOf(uid)), masked(cleanup.transcripts().get(0)));
        assertTrue(logText().contains("pickup[" + ProcessHandle.current().pid() + "]: ABC123: uid=" + uid + " from=<alice@example.org>"), logText());
    }

    /** label, maildrop file, what reaches cleanup (after the flags line), the warning logged. */
    record Case(String label, String file, String forwarded, String warning) {
        @Override
        public String toString() {
            return label;
        }
    }

    static List<Case> whitelist() {
        return List.of(
                new Case("attributes filtered, context added", """
                        A encoding=binary
                        A trace_flags=1
                        A notify_flags=4
                        S alice
                        R bob
                        M
                        N x
                        X
                        E
                        """, "A notify_flags=4|S alice|R bob|A rewrite_context=local|M |N Received:|N \\t|N x|X |E ",
                        "uid=UID: ignoring attribute record: encoding=binary"),
                // postdrop.c: only sendmail -bv (512) and -v (1024); never an MTA probe (256) or other bits
                new Case("trace flags of sendmail -bv", "A trace_flags=512\nS a\nR b\nM\nX\nE\n",
                        "A trace_flags=512|S a|R b|A rewrite_context=local|M |N Received:|N \\t|X |E ", null),
                new Case("trace flags of sendmail -v", "S a\nA trace_flags=1024\nR b\nM\nX\nE\n",
                        "S a|A trace_flags=1024|R b|A rewrite_context=local|M |N Received:|N \\t|X |E ", null),
                new Case("trace flags of an MTA probe", "A trace_flags=256\nS a\nR b\nM\nX\nE\n",
                        "S a|R b|A rewrite_context=local|M |N Received:|N \\t|X |E ", "uid=UID: ignoring unexpected trace flags: 256"),
                new Case("content starting with a blank", "S a\nR b\nM\nN  folded?\nX\nE\n",
                        "S a|R b|A rewrite_context=local|M |N Received:|N \\t|N |N  folded?|X |E ", null),
                new Case("done recipient in envelope", "S a\nD b\nR c\nM\nX\nE\n", "(aborted)",
                        "uid=UID: unexpected or malformed record type 68"),
                new Case("content filter injection", "S a\nL smtp:[evil]\nR c\nM\nX\nE\n", "(aborted)",
                        "uid=UID: unexpected or malformed record type 76"),
                new Case("envelope record in content", "S a\nR c\nM\nN x\nR d\nX\nE\n", "(aborted)",
                        "uid=UID: unexpected or malformed record type 82"),
                new Case("content record after X", "S a\nR c\nM\nX\nN x\nE\n", "(aborted)",
                        "uid=UID: unexpected or malformed record type 78"),
                new Case("no end record", "S a\nR c\nM\nN x\nX\n", "(aborted)",
                        "uid=UID: unexpected or malformed record type -1"),
                new Case("line break in recipient", "S a\nR b\\nRCPT TO:<c>\nM\nX\nE\n", "(aborted)",
                        "uid=UID: unexpected or malformed record type 82"),
                new Case("original recipient from a user", "S a\nO boss@example.org\nR c\nM\nX\nE\n", "(aborted)",
                        "uid=UID: unexpected or malformed record type 79"),
                new Case("two senders", "S a\nS b\nR c\nM\nX\nE\n", "(aborted)",
                        "uid=UID: unexpected or malformed record type 83"),
                new Case("no sender", "R c\nM\nX\nE\n", "(aborted)", "ABC123: uid=UID: no envelope sender"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("whitelist")
    void enforcesTheWhitelist(Case c) throws IOException {
        Path f = drop("F00D", c.file());
        pickup(Map.of()).scan();
        assertFalse(Files.exists(f), "file removed");
        WaitFor.condition("cleanup transcript", Duration.ofSeconds(10), () -> !cleanup.transcripts().isEmpty());
        String got = masked(cleanup.transcripts().get(0));
        got = String.join("|", got.lines().skip(1).filter(l -> !l.startsWith("T ")).map(PickupTest::shortReceived).toList());
        assertEquals(c.forwarded(), got);
        if (c.warning() != null) assertTrue(logText().contains("warning: " + c.warning().replace("UID", String.valueOf(uid))), logText());
    }

    @Test
    void requeuedFilesKeepOriginalRecipients() throws IOException {
        // postsuper -r: owned by mail_owner (pickup's own user here) and not world-readable
        Path f = drop("74AB3160019", "T 1795288289 0\nS a@example.org\nO list@example.org\nR bob@example.net\nM\nN x\nX\n"
                + "O alias@example.org\nR carol@example.net\nE\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
        pickup(Map.of()).scan();
        assertFalse(Files.exists(f));
        String got = masked(cleanup.transcripts().get(0));
        got = String.join("|", got.lines().skip(1).filter(l -> !l.startsWith("T ")).map(PickupTest::shortReceived).toList());
        assertEquals("S a@example.org|O list@example.org|R bob@example.net|A rewrite_context=local|M |N Received:|N \\t|N x|X "
                + "|O alias@example.org|R carol@example.net|E ", got);
        assertTrue(logText().contains("ABC123: uid=" + uid + " from=<a@example.org> orig_id=74AB3160019"), logText());
    }

    @Test
    void oversizedContentIsRemoved() throws IOException {
        Path f = drop("B16", "S a\nR b\nM\nN 0123456789\nN 0123456789\nX\nE\n");
        pickup(Map.of("message_size_limit", "20")).scan();
        assertFalse(Files.exists(f));
        assertTrue(logText().contains("warning: ABC123: uid=" + uid + ": message file too big"), logText());
    }

    @Test
    void skipsFilesThatAreNotReadyOrNotPlain() throws IOException {
        Path writing = drop("W1", GOOD);
        Files.setPosixFilePermissions(writing, PosixFilePermissions.fromString("rw-------"));
        Path temp = drop("123456.789", GOOD);
        Path target = drop("A1", GOOD);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr--r--"));
        Files.move(target, queueDir.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(queueDir.resolve("maildrop/L1"), queueDir.resolve("elsewhere"));
        Path hard = Files.createLink(queueDir.resolve("maildrop/H1"), queueDir.resolve("elsewhere"));
        pickup(Map.of()).scan();
        assertTrue(Files.exists(writing) && Files.exists(temp) && Files.exists(link) && Files.exists(hard));
        assertEquals(List.of(), cleanup.transcripts());
        assertTrue(logText().contains("warning: maildrop/L1: uid " + uid + ": not a regular file"), logText());
        assertTrue(logText().contains("warning: maildrop/H1: uid " + uid + ": file has 2 links"), logText());
    }

    @Test
    void keepsTheFileWhenCleanupIsUnavailable() throws IOException {
        cleanup.hangUp();
        Path f = drop("C1", GOOD);
        pickup(Map.of()).scan();
        assertTrue(Files.exists(f));
        assertTrue(logText().contains("warning: connect to cleanup service:"), logText());
    }

    @Test
    void cleanupVerdicts() throws IOException {
        cleanup.status(CleanupStatus.STAT_WRITE);
        Path kept = drop("D1", GOOD);
        pickup(Map.of()).scan();
        assertTrue(Files.exists(kept));
        assertTrue(logText().contains("warning: maildrop/D1: error writing ABC123: queue file write error"), logText());
        Files.delete(kept);
        cleanup.status(CleanupStatus.STAT_CONT);
        Path rejected = drop("D2", GOOD);
        pickup(Map.of()).scan();
        assertFalse(Files.exists(rejected));
        assertTrue(logText().contains("warning: maildrop/D2: error writing ABC123: message content rejected"), logText());
    }

    private Pickup pickup(Map<String, String> overrides) {
        MainCf cfg = MainCf.parse(queueDir.resolve("main.cf"), "queue_directory = " + queueDir
                + "\nmyhostname = mail.example.com\n", overrides, w -> { });
        return new Pickup(new ServiceContext(cfg, "pickup", "unix", 1, true));
    }

    /** Writes a maildrop file, one record per line ("S alice"; a bare letter is an empty record), mode 0744. */
    private Path drop(String name, String records) throws IOException {
        Path p = queueDir.resolve("maildrop").resolve(name);
        try (OutputStream out = Files.newOutputStream(p)) {
            RecordWriter w = new RecordWriter(out);
            for (String line : records.lines().toList()) {
                RecordType t = line.charAt(0) == 'L' ? RecordType.FILT : RecordType.of(line.charAt(0));
                w.put(t, line.length() > 2 ? line.substring(2).replace("\\n", "\n") : "");
            }
        }
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr--r--"));
        return p;
    }

    private static String masked(String transcript) {
        return transcript.replaceAll("(?m)^T .*$", "T <time>").replaceAll("(?m)(^N \\\\tid ABC123; ).*$", "$1<date>");
    }

    private static String shortReceived(String line) {
        if (line.startsWith("N Received:")) return "N Received:";
        if (line.startsWith("N \\tid")) return "N \\t";
        return line;
    }

    private String logText() throws IOException {
        return Files.readString(log);
    }
}
