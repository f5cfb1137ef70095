package org.postroom.service;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.postroom.global.ipc.IpcChannel;

/**
 * One accepted client: buffered streams, the peer's address (TCP) and a deadline that closes the channel
 * when it passes. Only the skeleton creates these.
 */
public final class Connection implements Closeable {
    private final IpcChannel channel;
    private final InetSocketAddress peer;
    private final InetSocketAddress local;

    Connection(IpcChannel channel, InetSocketAddress peer, InetSocketAddress local) {
        this.channel = channel;
        this.peer = peer;
        this.local = local;
    }

    public InputStream in() {
        return channel.in();
    }

    public OutputStream out() {
        return channel.out();
    }

    public IpcChannel ipc() {
        return channel;
    }

    /** The remote address for inet services; empty for Unix-domain clients. */
    public Optional<InetSocketAddress> peer() {
        return Optional.ofNullable(peer);
    }

    public Optional<InetSocketAddress> local() {
        return Optional.ofNullable(local);
    }

    /**
     * The login name of a Unix-domain client, as the kernel reports it (SO_PEERCRED; a numeric UID when it
     * has no passwd entry); empty for TCP clients or when the kernel does not say.
     */
    public Optional<String> peerUser() {
        if (peer != null) return Optional.empty();
        try {
            return Optional.of(channel.channel().getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().getName());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** (Re)arms the idle deadline. */
    public void deadline(Duration d) {
        channel.deadline(d);
    }

    /** Bytes already received but not yet read (for the SMTP pipelining check). */
    public int available() throws IOException {
        return channel.in().available();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
