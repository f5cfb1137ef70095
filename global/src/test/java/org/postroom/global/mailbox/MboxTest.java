package org.postroom.global.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.proto.deliver.DeliveryStatus.Outcome;
import org.postroom.testkit.WaitFor;

/**
 * mbox appends: a second locker waits and then proceeds, lock time-outs defer, stale dot-locks go, errors
 * truncate back, and safe_open refuses links.
 */
class MboxTest {
    @TempDir
    Path tmp;
    Message msg;
    Path box;
    Owner joe = new Owner(1000, 1000);

    @BeforeEach
    void setUp() throws IOException {
        msg = QueuedMessage.write(tmp.resolve("qfile"), "alice@example.org", QueuedMessage.SIMPLE);
        box = tmp.resolve("mbox");
        Files.writeString(box, "old\n");
    }

    private static final MailboxLock.Settings QUICK =
            new MailboxLock.Settings(true, true, 1, Duration.ofMillis(1), Duration.ofSeconds(500));

    private Verdict deliver(MailboxLock.Settings s) {
        return deliver(s, box);
    }

    private Verdict deliver(MailboxLock.Settings s, Path file) {
        return new Mbox(s, 0, new Chown(false)).deliver(file, joe, msg, "", null, QueuedMessage.NOW,
                "cannot update mailbox " + file + " for user joe. ", "delivered to mailbox");
    }

    @Test
    void secondLockerWaitsThenProceeds() throws Exception {
        MailboxLock.Settings patient = new MailboxLock.Settings(true, true, 1000, Duration.ofMillis(10), Duration.ofSeconds(500));
        AtomicReference<Verdict> result = new AtomicReference<>();
        Thread second;
        try (FileChannel ch = FileChannel.open(box, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
             MailboxLock _ = MailboxLock.acquire(box, ch, patient)) {
            assertTrue(Files.exists(tmp.resolve("mbox.lock")));
            second = Thread.ofPlatform().start(() -> result.set(deliver(patient)));
            WaitFor.condition("the second locker to wait", Duration.ofSeconds(10),
                    () -> second.getState() == Thread.State.TIMED_WAITING);
            assertEquals("old\n", Files.readString(box));
        }
        second.join(Duration.ofSeconds(10));
        assertEquals(Verdict.sent("delivered to mailbox"), result.get());
        assertTrue(Files.readString(box).startsWith("old\nFrom alice@example.org  "));
        assertFalse(Files.exists(tmp.resolve("mbox.lock")));
    }

    @Test
    void kernelLockAloneAlsoSerialises() throws Exception {
        MailboxLock.Settings kernelOnly = new MailboxLock.Settings(true, false, 1000, Duration.ofMillis(10), Duration.ofSeconds(500));
        AtomicReference<Verdict> result = new AtomicReference<>();
        Thread second;
        try (FileChannel ch = FileChannel.open(box, StandardOpenOption.WRITE);
             MailboxLock _ = MailboxLock.acquire(box, ch, kernelOnly)) {
            second = Thread.ofPlatform().start(() -> result.set(deliver(kernelOnly)));
            WaitFor.condition("the second locker to wait", Duration.ofSeconds(10),
                    () -> second.getState() == Thread.State.TIMED_WAITING);
        }
        second.join(Duration.ofSeconds(10));
        assertEquals(Outcome.SENT, result.get().outcome());
    }

    @Test
    void givesUpAndDefers() throws IOException {
        Files.writeString(tmp.resolve("mbox.lock"), "");
        Verdict v = deliver(new MailboxLock.Settings(true, true, 2, Duration.ofMillis(1), Duration.ofSeconds(500)));
        assertEquals(Verdict.defer("4.2.0", "cannot update mailbox " + box + " for user joe. unable to create lock file "
                + box + ".lock: File exists"), v);
        assertEquals("old\n", Files.readString(box));
    }

    @Test
    void removesStaleDotlock() throws IOException {
        Path lock = tmp.resolve("mbox.lock");
        Files.writeString(lock, "");
        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(600)));
        Verdict v = deliver(QUICK);
        assertEquals(Outcome.SENT, v.outcome());
        assertFalse(Files.exists(lock));
    }

    @Test
    void aFullFileSystemDefersWith430AndAMissingDirectoryBouncesAsLocalSays() {
        // mbox_dsn(): ENOSPC is 4.3.0 (try again); /dev/full fails every write with it
        Verdict full = deliver(QUICK, Path.of("/dev/full"));
        assertEquals(Verdict.defer("4.3.0", "cannot update mailbox /dev/full for user joe. error writing message: No space left on device")
                .unix("input/output error"), full);
        // an open that fails with a system error gets the agent's default: local(8) 5.2.0, a bounce
        Path nowhere = tmp.resolve("no/such/dir/mbox");
        Verdict local = new Mbox(QUICK, 0, new Chown(false), "5.2.0").deliver(nowhere, joe, msg, "", null, QueuedMessage.NOW, "x. ", "ok");
        assertEquals(Verdict.bounce("5.2.0", "x. cannot open file: No such file or directory"), local);
        Verdict virtual = new Mbox(QUICK, 0, new Chown(false), "4.2.0").deliver(nowhere, joe, msg, "", null, QueuedMessage.NOW, "x. ", "ok");
        assertEquals(Verdict.defer("4.2.0", "x. cannot open file: No such file or directory"), virtual);
    }

    @Test
    void anErrorWithoutErrnoAlwaysTriesAgain() {
        assertEquals("4.2.0", Errno.mboxDsn(new java.nio.channels.ClosedByInterruptException(), "5.3.0"));
        assertEquals("5.3.0", Errno.mboxDsn(new IOException("Input/output error"), "5.3.0"));
        assertEquals("5.2.2", Errno.mboxDsn(new IOException("Disk quota exceeded"), "5.3.0"));
        assertEquals("4.2.0", Errno.mboxDsn(new IOException("Stale file handle"), "5.3.0"));
    }

    @Test
    void truncatesBackWhenTooLarge() throws IOException {
        Mbox small = new Mbox(new MailboxLock.Settings(true, true, 1, Duration.ofMillis(1), Duration.ofSeconds(500)), 50,
                new Chown(false));
        Verdict v = small.deliver(box, joe, msg, "", null, QueuedMessage.NOW, "cannot update mailbox x. ", "ok");
        // mail_copy.c: dsb_unix(), so a report says "Diagnostic-Code: x-unix; input/output error"
        assertEquals(Verdict.bounce("5.2.2", "cannot update mailbox x. error writing message: File too large").unix("input/output error"), v);
        assertEquals("old\n", Files.readString(box));
    }

    @Test
    void refusesSymbolicAndHardLinks() throws IOException {
        Path pub = Files.createDirectory(tmp.resolve("pub"));
        Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path link = Files.createSymbolicLink(pub.resolve("link"), box);
        assertEquals(Verdict.defer("4.2.0", "cannot update mailbox " + link + " for user joe. file is a symbolic link"),
                deliver(QUICK, link));
        Files.createLink(tmp.resolve("hard"), box);
        assertEquals(Verdict.defer("4.2.0", "cannot update mailbox " + box + " for user joe. file has 2 hard links"),
                deliver(QUICK, box));
        assertEquals("old\n", Files.readString(box));
    }

    @Test
    void devicesAreWrittenWithoutLocks() {
        assertEquals(Verdict.sent("delivered to mailbox"), deliver(QUICK, Path.of("/dev/null")));
        assertFalse(Files.exists(Path.of("/dev/null.lock")));
    }
}
