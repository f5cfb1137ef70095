package org.postroom.smtp;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A time limit on each read from and each write to the server (smtp_stream.c's deadlines): a server
 * that stops answering, or stops reading, cannot hold a delivery agent for ever. The same watchdog
 * serves TCP, TLS and UNIX-domain connections (a UNIX-domain channel has no SO_TIMEOUT): when one read
 * or write takes longer than the current timeout, the connection is closed, the operation fails, and
 * {@link #expired()} tells the caller that it was a timeout rather than a lost connection.
 */
final class Deadline {
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1, r -> {
            Thread th = new Thread(r, "smtp-deadline");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    private final AutoCloseable connection;
    private volatile Duration timeout;
    private volatile boolean expired;

    Deadline(AutoCloseable connection, Duration timeout) {
        this.connection = connection;
        this.timeout = timeout;
    }

    void timeout(Duration d) {
        this.timeout = d;
    }

    boolean expired() {
        return expired;
    }

    /** One blocking read or write. */
    @FunctionalInterface
    private interface Io<T> {
        T run() throws IOException;
    }

    /** Runs {@code op} with the watchdog armed for the current timeout. */
    private <T> T timed(Io<T> op) throws IOException {
        ScheduledFuture<?> f = arm();
        try {
            return op.run();
        } finally {
            f.cancel(false);
        }
    }

    InputStream in(InputStream raw) {
        return new FilterInputStream(raw) {
            @Override
            public int read() throws IOException {
                return timed(in::read);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return timed(() -> in.read(b, off, len));
            }
        };
    }

    OutputStream out(OutputStream raw) {
        return new FilterOutputStream(raw) {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                timed(() -> {
                    out.write(b, off, len);
                    return null;
                });
            }

            @Override
            public void flush() throws IOException {
                timed(() -> {
                    out.flush();
                    return null;
                });
            }
        };
    }

    private ScheduledFuture<?> arm() {
        return TIMER.schedule(() -> {
            expired = true;
            try {
                connection.close();
            } catch (Exception e) {
                // closing is all that can be done
            }
        }, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    }
}
