package org.postroom.global.proto.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postroom.global.ipc.AttrReader;
import org.postroom.global.ipc.AttrWriter;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.ipc.ProtocolException;

class DeliveryReplyTest {
    private static final List<DeliveryStatus> TWO = List.of(DeliveryStatus.deferred(120, "4.4.1", "connect to x[10.0.0.1]:25: Connection refused"),
            DeliveryStatus.deferred(180, "4.4.1", "connect to x[10.0.0.1]:25: Connection refused"));

    private static Attrs wire(DeliveryReply r) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        r.writeTo(new AttrWriter(b));
        return new AttrReader(new ByteArrayInputStream(b.toByteArray())).read();
    }

    @Test
    void aHopStatusTravelsAfterTheRecipients() throws IOException {
        DeliveryReply r = DeliveryReply.hopFailure(TWO, "4.4.1", "connect to x[10.0.0.1]:25: Connection refused");
        assertEquals(r, DeliveryReply.readFrom(wire(r)));
        assertEquals(TWO, DeliveryStatus.readAll(wire(r))); // a reader of recipients only skips it
    }

    @Test
    void withoutAHopStatus() throws IOException {
        DeliveryReply r = DeliveryReply.of(List.of(DeliveryStatus.sent(120, "2.0.0", "delivered to mailbox")));
        assertEquals(r, DeliveryReply.readFrom(wire(r)));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DeliveryStatus.writeAll(new AttrWriter(b), r.recipients()); // what an agent of before writes
        assertEquals(r, DeliveryReply.readFrom(new AttrReader(new ByteArrayInputStream(b.toByteArray())).read()));
    }

    /** The formal fields of a deferral reach qmgr, for the Remote-MTA and Diagnostic-Code of a later report. */
    @Test
    void remoteAndLocalDiagnosticsTravel() throws IOException {
        DeliveryReply r = DeliveryReply.of(List.of(
                new DeliveryStatus(120, DeliveryStatus.Outcome.DEFERRED, "4.2.0", "host x said: 450 busy", "x", "smtp", "450 4.2.0 busy"),
                new DeliveryStatus(180, DeliveryStatus.Outcome.DEFERRED, "4.3.0", "temporary failure", "", "x-unix", "temporary failure"),
                DeliveryStatus.deferred(240, "4.4.1", "connect to x[10.0.0.1]:25: Connection refused")));
        assertEquals(r, DeliveryReply.readFrom(wire(r)));
    }

    @Test
    void halfAHopStatusIsAProtocolError() {
        Attrs a = Attrs.builder().put("offset", 120).put("status", "DEFERRED").put("dsn_status", "4.4.1").put("reason", "x")
                .put("hop_status", "4.4.1").build();
        assertThrows(ProtocolException.class, () -> DeliveryReply.readFrom(a));
    }
}
