package org.postroom.global.proto.rewrite;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.ipc.IpcChannel;

/**
 * Client for trivial-rewrite's rewrite and resolve requests (rewrite_clnt.c, resolve_clnt.c) over
 * private/rewrite. One connection is kept and reopened after an error; calls are serialised. As
 * clnt_stream.c does, the connection is closed after {@link #IDLE} without a request and after {@link #TTL}
 * in all, so that trivial-rewrite can go idle and exit (max_idle) and a restarted one is used.
 */
public final class RewriteClient implements AutoCloseable {
    /** ipc_idle and ipc_ttl, Postfix's defaults. */
    public static final Duration IDLE = Duration.ofSeconds(5);
    public static final Duration TTL = Duration.ofSeconds(1000);
    private static final java.util.concurrent.ScheduledExecutorService TIMER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "rewrite-client-idle");
                t.setDaemon(true);
                return t;
            });

    private final Path socket;
    private final Duration timeout;
    private IpcChannel ch;
    private long openedAt;
    private long lastUse;
    private java.util.concurrent.ScheduledFuture<?> idleClose;

    public RewriteClient(Path queueDirectory, Duration timeout) {
        this.socket = queueDirectory.resolve("private/rewrite");
        this.timeout = timeout;
    }

    /** Canonicalises an address with the given rule context ("local" or "remote"). */
    public synchronized String rewrite(String rule, String address) throws IOException {
        Attrs reply = call(Attrs.builder().put(AttrNames.REQUEST, "rewrite").put(AttrNames.RULE, rule)
                .put(AttrNames.ADDRESS, address).build());
        return reply.require(AttrNames.ADDRESS);
    }

    /** Resolves a recipient to (transport, nexthop, recipient, class). */
    public synchronized ResolveReply resolve(String sender, String address) throws IOException {
        Attrs reply = call(Attrs.builder().put(AttrNames.REQUEST, "resolve").put(AttrNames.SENDER, sender)
                .put(AttrNames.ADDRESS, address).build());
        return new ResolveReply(reply.require(AttrNames.TRANSPORT), reply.require(AttrNames.NEXTHOP),
                reply.require(AttrNames.RECIPIENT), reply.requireInt(AttrNames.FLAGS));
    }

    private Attrs call(Attrs request) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                if (ch != null && System.nanoTime() - openedAt > TTL.toNanos()) closeQuietly();
                if (ch == null) {
                    ch = IpcChannel.connect(socket, Duration.ofSeconds(10));
                    openedAt = System.nanoTime();
                    ch.attrReader().read().expect(AttrNames.PROTOCOL, AttrNames.PROTO_REWRITE);
                }
                ch.deadline(timeout);
                ch.attrWriter().write(request);
                Attrs reply = ch.attrReader().read();
                lastUse = System.nanoTime();
                if (idleClose == null || idleClose.isDone()) {
                    idleClose = TIMER.scheduleWithFixedDelay(this::closeIfIdle, IDLE.toMillis(), IDLE.toMillis() / 5,
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                }
                return reply;
            } catch (IOException e) {
                closeQuietly();
                if (attempt >= 1) throw e;
            }
        }
    }

    /** The timer's check: closes a connection unused for {@link #IDLE}. */
    private synchronized void closeIfIdle() {
        if (ch != null && System.nanoTime() - lastUse < IDLE.toNanos()) return;
        closeQuietly();
    }

    private void closeQuietly() {
        if (idleClose != null) {
            idleClose.cancel(false);
            idleClose = null;
        }
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // already broken
            }
            ch = null;
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
