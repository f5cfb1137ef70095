package org.postroom.global.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/** Is a master running for this queue? The lock on pid/master.pid answers, not the file's existence. */
public final class MasterPid {
    private MasterPid() {}

    public static Path file(Path queueDirectory) {
        return queueDirectory.resolve("pid/master.pid");
    }

    /** The running master's PID, or empty when nobody holds the lock. */
    public static OptionalLong running(Path queueDirectory) throws IOException {
        Path f = file(queueDirectory);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock != null) {
                lock.release();
                return OptionalLong.empty();
            }
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        String s = Files.readString(f, StandardCharsets.US_ASCII).strip();
        try {
            return OptionalLong.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return OptionalLong.of(-1);
        }
    }
}
