package org.postroom.master;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * $queue_directory/pid/master.pid: the PID right-aligned in 32 columns plus a newline, exclusively locked
 * while master runs. The lock, not the file's existence, says whether the system is running, so a stale
 * file after a crash never blocks the next start.
 */
public final class PidLock {
    private PidLock() {}

    /** Takes the lock and writes our PID; empty when another master holds it. */
    static Optional<FileChannel> acquire(Path pidFile) throws IOException {
        FileChannel ch = FileChannel.open(pidFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock();
        if (lock == null) {
            ch.close();
            return Optional.empty();
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(String.format("%32d\n", ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
        ch.force(true);
        return Optional.of(ch);
    }
}
