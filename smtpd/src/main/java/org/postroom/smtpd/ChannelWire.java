package org.postroom.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.postroom.global.ipc.IpcChannel;

/**
 * The production {@link Wire} over the skeleton's channel. When smtpd_timeout passes, only the input
 * side is shut down, so the blocked read ends and the 421 reply can still be sent; the channel's own
 * deadline, a little later, closes everything should the client not read that reply either.
 */
final class ChannelWire implements Wire, AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final IpcChannel channel;
    private ScheduledFuture<?> pending;
    private volatile boolean expired;

    ChannelWire(IpcChannel channel) {
        this.channel = channel;
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "smtpd-timeout");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    @Override
    public InputStream in() {
        return channel.in();
    }

    @Override
    public OutputStream out() {
        return channel.out();
    }

    @Override
    public int available() throws IOException {
        return channel.in().available();
    }

    @Override
    public synchronized void deadline(Duration d) {
        if (pending != null) pending.cancel(false);
        pending = TIMER.schedule(this::expire, d.toMillis(), TimeUnit.MILLISECONDS);
        channel.deadline(d.plus(GRACE));
    }

    private void expire() {
        expired = true;
        try {
            channel.channel().shutdownInput();
        } catch (IOException e) {
            // already closed: the read has ended anyway
        }
    }

    /** Ends the session's timer, so that a finished connection is not kept reachable for smtpd_timeout. */
    @Override
    public synchronized void close() {
        if (pending != null) pending.cancel(false);
        pending = null;
    }

    /** Timers still queued, across all sessions (for tests). */
    static int queuedTimers() {
        return TIMER.getQueue().size();
    }

    @Override
    public boolean expired() {
        return expired;
    }
}
