package org.postroom.global.ipc;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A buffered conversation over a Unix-domain stream socket. A blocking channel read cannot time out, so a
 * deadline closes the channel from outside (Postfix's watchdog, Helidon's IdleTimeoutHandler); the blocked
 * read then fails with an IOException.
 */
public final class IpcChannel implements Closeable {
    private static final ScheduledExecutorService SWEEPER = sweeper();

    /** Cancelled deadlines must leave the queue at once: they are re-armed on every read. */
    private static ScheduledExecutorService sweeper() {
        java.util.concurrent.ScheduledThreadPoolExecutor e = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ipc-deadline");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private ScheduledFuture<?> deadline;

    public IpcChannel(SocketChannel channel) {
        this.channel = channel;
        this.in = new IpcInput(Channels.newInputStream(channel), 65536);
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 65536);
    }

    /**
     * Connects to a service socket, retrying while it does not exist or refuses (mail_connect_wait): a
     * service that master is restarting comes back within a few seconds.
     */
    public static IpcChannel connect(Path socket, Duration wait) throws IOException {
        long until = System.nanoTime() + wait.toNanos();
        long pause = 10;
        while (true) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                return new IpcChannel(ch);
            } catch (IOException e) {
                ch.close();
                if (System.nanoTime() > until) throw new IOException("connect to " + socket + ": " + e.getMessage(), e);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", ie);
                }
                pause = Math.min(pause * 2, 500);
            }
        }
    }

    public InputStream in() {
        return in;
    }

    public OutputStream out() {
        return out;
    }

    public AttrReader attrReader() {
        return new AttrReader(in);
    }

    public AttrWriter attrWriter() {
        return new AttrWriter(out);
    }

    public SocketChannel channel() {
        return channel;
    }

    /** (Re)arms the deadline: the channel is closed if it is still open after {@code d}. */
    public synchronized void deadline(Duration d) {
        if (deadline != null) deadline.cancel(false);
        SocketChannel ch = channel; // capture the socket only, not this object and its buffers
        deadline = SWEEPER.schedule(() -> {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing more to do
            }
        }, d.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() throws IOException {
        if (deadline != null) deadline.cancel(false);
        channel.close();
    }
}
