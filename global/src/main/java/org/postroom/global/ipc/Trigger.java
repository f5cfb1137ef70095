package org.postroom.global.ipc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Wakes a service (mail_trigger.c): connects once to its socket, writes the trigger bytes ("W", "I",
 * "FADI", ...) and hangs up. A service that is down is not waited for; its own periodic scan finds the work.
 */
public final class Trigger {
    private Trigger() {}

    /** trigger_timeout's declared default (10s), for callers that have no configuration at hand. */
    public static final Duration DEFAULT_TIMEOUT =
            org.postroom.global.config.Params.TRIGGER_TIMEOUT.parser().parse(org.postroom.global.config.Params.TRIGGER_TIMEOUT.defaultValue());

    public static boolean send(Path socket, String bytes) {
        return send(socket, bytes, DEFAULT_TIMEOUT);
    }

    /**
     * Sends {@code bytes} to {@code socket}; false when the service cannot be reached or the write fails.
     * First without blocking, which needs no timer and is what happens unless the service is swamped
     * (its listen queue or receive buffer full); then, if that could not finish, blocking for at most
     * {@code timeout}.
     */
    public static boolean send(Path socket, String bytes, Duration timeout) {
        byte[] data = bytes.getBytes(StandardCharsets.US_ASCII);
        if (sentAtOnce(socket, data)) return true;
        try (IpcChannel ch = IpcChannel.connect(socket, Duration.ZERO)) {
            ch.deadline(timeout);
            ch.out().write(data);
            ch.out().flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The non-blocking attempt: false when it did not finish at once (a full listen queue or buffer,
     * which the JDK reports as an error, or a service that is down: the blocking attempt tells those apart).
     */
    private static boolean sentAtOnce(Path socket, byte[] data) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.configureBlocking(false);
            return ch.connect(UnixDomainSocketAddress.of(socket)) && ch.write(ByteBuffer.wrap(data)) == data.length;
        } catch (IOException e) {
            return false;
        }
    }
}
