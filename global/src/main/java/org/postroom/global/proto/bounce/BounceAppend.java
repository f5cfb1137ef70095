package org.postroom.global.proto.bounce;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.ipc.IpcChannel;
import org.postroom.global.ipc.ProtocolException;
import org.postroom.global.log.Msg;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;

/**
 * The append request of bounce(8) (bounce_append_service.c): the entry is added to
 * {@code <service>/<queue id>} under the queue directory and fsynced before the answer. bounce(8) serves
 * it this way; {@link #listen} serves only this request on the three sockets of a queue directory, for
 * the delivery agents' own tests, which need a real bounce service that records what they report and
 * nothing else.
 */
public final class BounceAppend {
    private BounceAppend() {}

    /** Handles one append request for {@code service}; the status to answer. */
    public static int handle(MailQueue queue, BounceClient.Service service, Attrs request) {
        String id = request.optional(AttrNames.QUEUE_ID).orElse("");
        if (!QueueId.valid(id)) {
            Msg.warn("malformed request");
            return BounceClient.STAT_FAIL;
        }
        try {
            BounceLog.Entry e = BounceClient.entry(request);
            // the log's own place in the queue: defer/ is hashed by default (hash_queue_names), bounce/ and trace/ are not
            BounceLog.append(queue.path(QueueName.of(service.serviceName()), new QueueId(id)), List.of(e), true);
            return BounceClient.STAT_OK;
        } catch (ProtocolException e) {
            Msg.warn(id + ": malformed request: " + e.getMessage());
            return BounceClient.STAT_FAIL;
        } catch (IOException e) {
            Msg.warn(id + ": cannot append to " + service.serviceName() + " log: " + e.getMessage());
            return BounceClient.STAT_FAIL;
        }
    }

    /** A running {@link #listen} server. */
    public interface Listener extends AutoCloseable {
        @Override
        void close();
    }

    /** Serves append requests on private/bounce, private/defer and private/trace of {@code queueDirectory}. */
    public static Listener listen(Path queueDirectory) throws IOException {
        MailQueue queue = new MailQueue(queueDirectory, List.of("deferred", "defer"), 1); // Postfix's default hashing
        Files.createDirectories(queueDirectory.resolve("private"));
        List<ServerSocketChannel> servers = new ArrayList<>();
        for (BounceClient.Service s : BounceClient.Service.values()) {
            Path socket = queueDirectory.resolve("private").resolve(s.serviceName());
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            servers.add(server);
            Thread.ofVirtual().start(() -> {
                while (server.isOpen()) {
                    try {
                        SocketChannel c = server.accept();
                        Thread.ofVirtual().start(() -> serve(queue, s, new IpcChannel(c)));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }
        return () -> {
            for (ServerSocketChannel s : servers) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        };
    }

    private static void serve(MailQueue queue, BounceClient.Service service, IpcChannel ch) {
        try (ch) {
            ch.attrWriter().attr(AttrNames.PROTOCOL, BounceClient.PROTOCOL).end();
            while (true) {
                Attrs r;
                try {
                    r = ch.attrReader().read();
                } catch (EOFException e) {
                    return;
                }
                Optional<String> n = r.optional(BounceClient.NREQUEST);
                int status = n.isPresent() && n.get().equals(Integer.toString(BounceClient.CMD_APPEND))
                        ? handle(queue, service, r) : BounceClient.STAT_FAIL;
                ch.attrWriter().attr(AttrNames.STATUS, status).end();
            }
        } catch (IOException e) {
            // the client went away
        }
    }
}
