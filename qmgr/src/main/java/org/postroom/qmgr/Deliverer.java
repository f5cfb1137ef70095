package org.postroom.qmgr;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.IpcChannel;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryReply;

/** Hands one request to a delivery agent over private/&lt;transport&gt; (qmgr_deliver.c). */
final class Deliverer {
    private final Path queueDirectory;
    private final Duration timeout;

    Deliverer(Path queueDirectory, Duration timeout) {
        this.queueDirectory = queueDirectory;
        this.timeout = timeout;
    }

    /** Thrown when the transport's agent cannot be reached at all. */
    static final class TransportUnavailable extends IOException {
        TransportUnavailable(String message) {
            super(message);
        }
    }

    /** The agent's reply: one status per recipient, and a hop status when the destination failed. */
    DeliveryReply deliver(String transport, DeliverRequest request) throws IOException {
        IpcChannel ch;
        try {
            ch = IpcChannel.connect(queueDirectory.resolve("private").resolve(transport), Duration.ofSeconds(5));
        } catch (IOException e) {
            throw new TransportUnavailable(e.getMessage());
        }
        try (ch) {
            ch.deadline(timeout);
            ch.attrReader().read().expect(AttrNames.PROTOCOL, AttrNames.PROTO_DELIVER);
            request.writeTo(ch.attrWriter());
            return DeliveryReply.readFrom(ch.attrReader().read());
        }
    }
}
