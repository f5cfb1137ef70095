package org.postroom.smtpd;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.postroom.global.proto.cleanup.CleanupClient;
import org.postroom.global.proto.cleanup.CleanupStatus;
import org.postroom.global.record.RecordWriter;

/** The production {@link QueueSink}: one cleanup(8) connection per message (mail_stream.c). */
final class CleanupQueueSink implements QueueSink {
    private final Path queueDirectory;
    private final Duration timeout;

    CleanupQueueSink(Path queueDirectory, Duration timeout) {
        this.queueDirectory = queueDirectory;
        this.timeout = timeout;
    }

    @Override
    public long freeSpace() {
        try {
            return java.nio.file.Files.getFileStore(queueDirectory).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public Stream open() throws IOException {
        CleanupClient c = CleanupClient.open(queueDirectory, 0, timeout);
        return new Stream() {
            @Override
            public String queueId() {
                return c.queueId().value();
            }

            @Override
            public RecordWriter records() {
                return c.records();
            }

            @Override
            public CleanupStatus finish() throws IOException {
                try (c) {
                    return c.finish();
                }
            }

            @Override
            public void abort() {
                try {
                    c.close();
                } catch (IOException e) {
                    // the file is discarded either way
                }
            }
        };
    }
}
