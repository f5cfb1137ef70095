package org.postroom.global.proto.rewrite;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.ipc.IpcChannel;

/**
 * Client for trivial-rewrite's rewrite and resolve requests (rewrite_clnt.c, resolve_clnt.c) over
 * private/rewrite. One connection is kept and reopened after an error; calls are serialised.
 */
public final class RewriteClient implements AutoCloseable {
    private final Path socket;
    private final Duration timeout;
    private IpcChannel ch;

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
                if (ch == null) {
                    ch = IpcChannel.connect(socket, Duration.ofSeconds(10));
                    ch.attrReader().read().expect(AttrNames.PROTOCOL, AttrNames.PROTO_REWRITE);
                }
                ch.deadline(timeout);
                ch.attrWriter().write(request);
                return ch.attrReader().read();
            } catch (IOException e) {
                closeQuietly();
                if (attempt >= 1) throw e;
            }
        }
    }

    private void closeQuietly() {
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
