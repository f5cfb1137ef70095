package org.postroom.tools.common;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.postroom.global.ipc.AttrWriter;
import org.postroom.global.proto.showq.QueueEntry;
import org.postroom.global.proto.showq.ShowqProtocol;

/**
 * Stand-ins for the showq and pickup services during the tools' AOT training run ({@link Train}), so that
 * the classes of a running system's paths (the showq conversation, the pickup trigger) are in the cache:
 * showq answers every connection with one message, pickup reads its trigger.
 */
final class Services implements AutoCloseable {
    private final List<ServerSocketChannel> servers;

    Services(Path publicDir) throws IOException {
        servers = List.of(listen(publicDir.resolve("showq"), true), listen(publicDir.resolve("pickup"), false));
    }

    private static ServerSocketChannel listen(Path socket, boolean showq) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> serve(server, showq), "train-" + socket.getFileName());
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static void serve(ServerSocketChannel server, boolean showq) {
        while (true) {
            try (SocketChannel ch = server.accept()) {
                if (showq) {
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch));
                    ShowqProtocol.greet(new AttrWriter(out));
                    ShowqProtocol.write(out, new QueueEntry("deferred", "A1B2C3D4E", 1795288289L, 600, false, "a@example.org",
                            List.of(new QueueEntry.Recipient("b@example.org", "connect to example.org: Connection refused"))));
                    ShowqProtocol.end(out);
                } else {
                    Channels.newInputStream(ch).read();
                }
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (ServerSocketChannel s : servers) s.close();
    }
}
