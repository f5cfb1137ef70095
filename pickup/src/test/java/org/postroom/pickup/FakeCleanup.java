package org.postroom.pickup;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postroom.global.ipc.AttrReader;
import org.postroom.global.ipc.AttrWriter;
import org.postroom.global.record.Record;
import org.postroom.global.record.RecordReader;
import org.postroom.global.record.RecordType;
import org.postroom.util.Printable;

/**
 * A cleanup server on a real Unix-domain socket at queue_directory/public/cleanup: it greets with
 * {@code protocol=cleanup_protocol queue_id=ABC123}, reads the flags and the records up to E, and replies
 * with the status it was given. Each conversation is kept as text, one record per line.
 */
final class FakeCleanup implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Thread thread;
    private final List<String> transcripts = new CopyOnWriteArrayList<>();
    private volatile int status;
    private volatile boolean hangUp;

    FakeCleanup(Path queueDir) throws IOException {
        Path socket = queueDir.resolve("public/cleanup");
        Files.createDirectories(socket.getParent());
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = Thread.ofPlatform().daemon().start(this::serve);
    }

    void status(int s) {
        status = s;
    }

    /** Close every connection at once, like a cleanup service that is not working. */
    void hangUp() {
        hangUp = true;
    }

    List<String> transcripts() {
        return transcripts;
    }

    private void serve() {
        while (true) {
            try (SocketChannel ch = server.accept()) {
                if (hangUp) continue;
                InputStream in = new BufferedInputStream(Channels.newInputStream(ch));
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch));
                new AttrWriter(out).attr("protocol", "cleanup_protocol").attr("queue_id", "ABC123").end();
                StringBuilder t = new StringBuilder("flags=" + new AttrReader(in).read().require("flags") + "\n");
                if (!readRecords(new RecordReader(in), t)) {
                    transcripts.add(t.append("(aborted)\n").toString());
                    continue;
                }
                transcripts.add(t.toString());
                new AttrWriter(out).attr("status", status).attr("reason", "").end();
            } catch (IOException e) {
                if (!server.isOpen()) return;
            }
        }
    }

    /** Appends records up to E; false when the client went away first. */
    private static boolean readRecords(RecordReader r, StringBuilder t) {
        try {
            Record rec;
            while ((rec = r.next(0)) != null) {
                t.append(rec.type().code).append(' ').append(Printable.escape(rec.data(), 0, rec.data().length)).append('\n');
                if (rec.type() == RecordType.END) return true;
            }
        } catch (IOException e) {
            // a partial record: the client closed without finishing
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        server.close();
        thread.interrupt();
    }
}
