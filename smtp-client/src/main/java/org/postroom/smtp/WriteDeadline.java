package org.postroom.smtp;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A time limit on each write to the server (smtp_stream.c's write deadline): a server that stops
 * reading cannot hold a delivery agent for ever. When a write or flush takes longer than the current
 * timeout, the socket is closed, the write fails, and {@link #expired()} tells the caller that it was a
 * timeout rather than a lost connection.
 */
final class WriteDeadline extends FilterOutputStream {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "smtp-write-deadline");
        t.setDaemon(true);
        return t;
    });

    private final Socket socket;
    private volatile Duration timeout;
    private volatile boolean expired;

    WriteDeadline(OutputStream out, Socket socket, Duration timeout) {
        super(out);
        this.socket = socket;
        this.timeout = timeout;
    }

    void timeout(Duration d) {
        this.timeout = d;
    }

    boolean expired() {
        return expired;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b); // buffered below: the flush or a full buffer is the real write
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ScheduledFuture<?> f = arm();
        try {
            out.write(b, off, len);
        } finally {
            f.cancel(false);
        }
    }

    @Override
    public void flush() throws IOException {
        ScheduledFuture<?> f = arm();
        try {
            out.flush();
        } finally {
            f.cancel(false);
        }
    }

    private ScheduledFuture<?> arm() {
        return TIMER.schedule(() -> {
            expired = true;
            try {
                socket.close();
            } catch (IOException e) {
                // closing is all that can be done
            }
        }, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    }
}
