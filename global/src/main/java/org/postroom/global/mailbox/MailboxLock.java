package org.postroom.global.mailbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

/**
 * Exclusive access to an mbox file (Postfix dot_lockfile.c, deliver_flock.c): first {@code <mailbox>.lock},
 * created exclusively and removed when older than stale_lock_time, then a kernel (fcntl) lock on the
 * open file. Each is tried deliver_lock_attempts times, deliver_lock_delay apart.
 */
public final class MailboxLock implements AutoCloseable {

    /**
     * The lock methods (mailbox_delivery_lock, virtual_mailbox_lock) and their retry settings
     * (deliver_lock_attempts, deliver_lock_delay, stale_lock_time).
     */
    public record Settings(boolean kernel, boolean dotlock, int attempts, Duration delay, Duration stale) {}

    /** The lock could not be had in time: the caller defers. */
    static final class Busy extends IOException {
        Busy(String message) {
            super(message);
        }
    }

    private final Path dotlock;
    private final FileLock kernel;

    private MailboxLock(Path dotlock, FileLock kernel) {
        this.dotlock = dotlock;
        this.kernel = kernel;
    }

    /**
     * Locks {@code mailbox}, already open as {@code ch}: the dot-lock first, then the kernel lock. A
     * directory where the lock file cannot be created at all (no permission) is tolerated, as the kernel
     * lock still applies (MBOX_DOT_LOCK_MAY_FAIL).
     */
    static MailboxLock acquire(Path mailbox, FileChannel ch, Settings s) throws IOException {
        Path dot = s.dotlock() ? dotlock(mailbox, s) : null;
        try {
            FileLock fl = s.kernel() ? kernelLock(ch, s) : null;
            return new MailboxLock(dot, fl);
        } catch (IOException | RuntimeException e) {
            removeDotlock(dot);
            throw e;
        }
    }

    private static Path dotlock(Path mailbox, Settings s) throws IOException {
        Path lock = mailbox.resolveSibling(mailbox.getFileName() + ".lock");
        int attempts = 0;
        int removals = 0;
        while (true) {
            try {
                Files.createFile(lock, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                return lock;
            } catch (FileAlreadyExistsException e) {
                if (removals < s.attempts() && removeIfStale(lock, s.stale())) {
                    removals++;
                    continue; // a stale lock does not count as an attempt
                }
            } catch (AccessDeniedException e) {
                return null;
            }
            if (++attempts >= s.attempts()) throw new Busy("unable to create lock file " + lock + ": File exists");
            pause(s.delay());
        }
    }

    private static FileLock kernelLock(FileChannel ch, Settings s) throws IOException {
        for (int attempt = 1; attempt <= s.attempts(); attempt++) {
            try {
                FileLock fl = ch.tryLock();
                if (fl != null) return fl;
            } catch (OverlappingFileLockException e) {
                // another thread of this JVM holds it
            }
            if (attempt < s.attempts()) pause(s.delay());
        }
        throw new Busy("unable to lock for exclusive access: Resource temporarily unavailable");
    }

    private static void removeDotlock(Path dotlock) {
        if (dotlock == null) return;
        try {
            Files.deleteIfExists(dotlock);
        } catch (IOException e) {
            // a stale lock file times out by itself
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (kernel != null && kernel.isValid()) kernel.release();
        } finally {
            removeDotlock(dotlock);
        }
    }

    private static boolean removeIfStale(Path lock, Duration stale) throws IOException {
        try {
            Instant m = Files.getLastModifiedTime(lock).toInstant();
            if (m.plus(stale).isBefore(Instant.now())) {
                Files.deleteIfExists(lock);
                return true;
            }
            return false;
        } catch (NoSuchFileException e) {
            return true; // released meanwhile: try again at once
        }
    }

    private static void pause(Duration d) throws IOException {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("interrupted while waiting for a lock");
        }
    }
}
