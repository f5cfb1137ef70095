package org.postroom.service;

import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.function.ToIntFunction;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.AttrReader;
import org.postroom.global.ipc.AttrWriter;
import org.postroom.global.ipc.Attrs;

/**
 * The conversation of the small request servers (flush(8), bounce(8)): the server names its protocol,
 * then answers each request with {@code status=N} until the client hangs up; each request has
 * {@code timeout} to arrive.
 */
public final class StatusRequests {
    private StatusRequests() {}

    public static void serve(Connection client, String protocol, Duration timeout, ToIntFunction<Attrs> handler) throws IOException {
        client.deadline(timeout);
        AttrWriter out = new AttrWriter(client.out());
        out.attr(AttrNames.PROTOCOL, protocol).end();
        AttrReader in = new AttrReader(client.in());
        while (true) {
            Attrs request;
            try {
                request = in.read();
            } catch (EOFException e) {
                return;
            }
            out.attr(AttrNames.STATUS, handler.applyAsInt(request)).end();
            client.deadline(timeout);
        }
    }
}
