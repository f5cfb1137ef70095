package org.postroom.global.proto.cleanup;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.ipc.IpcChannel;
import org.postroom.global.queue.QueueId;
import org.postroom.global.record.RecordWriter;

/**
 * Client end of the cleanup protocol (cleanup_user.h, post_mail.c). The server speaks first:
 * {@code protocol=cleanup_protocol, queue_id=ID}; the client answers {@code flags=N}, then streams the
 * records of one message (envelope, M, content, X, extracted, E) and reads {@code status, reason}.
 */
public final class CleanupClient implements AutoCloseable {
    /** Add missing Message-Id/Date/From headers (local submission or always_add_missing_headers). */
    public static final int FLAG_ADD_HEADERS = 0x1;

    private final IpcChannel ch;
    private final QueueId id;
    private final RecordWriter records;

    private CleanupClient(IpcChannel ch, QueueId id) {
        this.ch = ch;
        this.id = id;
        this.records = new RecordWriter(ch.out());
    }

    /** Connects to public/cleanup under queueDirectory and reads the server's greeting. */
    public static CleanupClient open(Path queueDirectory, int flags, Duration timeout) throws IOException {
        return open(queueDirectory, flags, timeout, Duration.ofSeconds(10));
    }

    /**
     * The same, retrying the connect for at most {@code connectWait} while the socket is missing or
     * refuses ({@link Duration#ZERO}: one attempt, as mail_connect() without the wait).
     */
    public static CleanupClient open(Path queueDirectory, int flags, Duration timeout, Duration connectWait) throws IOException {
        IpcChannel ch = IpcChannel.connect(queueDirectory.resolve("public/cleanup"), connectWait);
        try {
            ch.deadline(timeout);
            Attrs hello = ch.attrReader().read();
            hello.expect(AttrNames.PROTOCOL, AttrNames.PROTO_CLEANUP);
            QueueId id = new QueueId(hello.require(AttrNames.QUEUE_ID));
            ch.attrWriter().attr(AttrNames.FLAGS, flags).end();
            return new CleanupClient(ch, id);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public QueueId queueId() {
        return id;
    }

    /** The record stream to cleanup; write the whole message through it, ending with an END record. */
    public RecordWriter records() {
        return records;
    }

    /** Flushes and waits for cleanup's verdict. */
    public CleanupStatus finish() throws IOException {
        records.flush();
        Attrs a = ch.attrReader().read();
        return new CleanupStatus(a.requireInt(AttrNames.STATUS), a.optional(AttrNames.REASON).orElse(""));
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
