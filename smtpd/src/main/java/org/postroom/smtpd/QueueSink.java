package org.postroom.smtpd;

import java.io.IOException;
import org.postroom.global.proto.cleanup.CleanupStatus;
import org.postroom.global.record.RecordWriter;

/** Where accepted mail goes: a new queue file per message, written as a record stream (cleanup). */
interface QueueSink {
    /** Opens a new queue file; fails when cleanup cannot be reached. */
    Stream open() throws IOException;

    /**
     * Free bytes on the queue file system for unprivileged writers (statvfs f_bavail), or -1 when
     * unknown; smtpd_check_queue() compares it with queue_minfree and message_size_limit at MAIL.
     */
    default long freeSpace() {
        return -1;
    }

    /** One message being written. */
    interface Stream {
        String queueId();

        /** The record stream: envelope, M, content, X, E. */
        RecordWriter records();

        /** Flushes and waits for the final status; the stream is closed afterwards. */
        CleanupStatus finish() throws IOException;

        /** Drops the message: closes without an END record, so cleanup discards the file. */
        void abort();
    }
}
