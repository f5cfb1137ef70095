package org.postroom.global.ipc;

import java.io.IOException;
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

    /** Sends {@code bytes} to {@code socket}; false when the service cannot be reached or the write fails. */
    public static boolean send(Path socket, String bytes, Duration timeout) {
        try (IpcChannel ch = IpcChannel.connect(socket, Duration.ZERO)) {
            ch.deadline(timeout);
            ch.out().write(bytes.getBytes(StandardCharsets.US_ASCII));
            ch.out().flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
