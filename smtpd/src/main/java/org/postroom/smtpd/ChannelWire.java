package org.postroom.smtpd;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.ExtendedSSLSession;
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
    /** The TLS layer once a handshake has succeeded, else null. */
    private SSLSocket tls;

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
        if (tls != null) {
            try {
                return tls.getInputStream();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return channel.in();
    }

    @Override
    public OutputStream out() {
        if (tls != null) {
            try {
                return tls.getOutputStream();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return channel.out();
    }

    @Override
    public int available() throws IOException {
        return tls != null ? tls.getInputStream().available() : channel.in().available();
    }

    /**
     * The handshake on the channel's socket (an SSLSocket layered over it in server mode), bounded by
     * {@code timeout} through the same deadline as every read: when it passes the input side is shut
     * down and the handshake ends.
     */
    @Override
    public TlsInfo startTls(SmtpdTls cfg, Duration timeout) throws IOException {
        SSLSocket s = (SSLSocket) cfg.context().getSocketFactory().createSocket(channel.channel().socket(), null, true);
        s.setUseClientMode(false);
        s.setSSLParameters(cfg.parameters());
        deadline(timeout);
        try {
            s.startHandshake();
        } catch (javax.net.ssl.SSLHandshakeException e) {
            if (e.getCause() instanceof EOFException || String.valueOf(e.getMessage()).contains("Remote host terminated")) {
                throw new EOFException("lost connection");
            }
            throw e;
        } catch (java.net.SocketException e) {
            throw new EOFException("lost connection");
        }
        tls = s;
        SSLSession ss = s.getSession();
        String sni = "";
        if (ss instanceof ExtendedSSLSession es) {
            for (SNIServerName n : es.getRequestedServerNames()) {
                if (n instanceof SNIHostName h) sni = h.getAsciiName();
            }
        }
        return new TlsInfo(ss.getProtocol(), ss.getCipherSuite(), sni);
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
