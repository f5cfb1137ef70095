package org.postroom.global.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryStatus;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;

class AttrTest {
    @Test
    void zeroEncodingOnTheWire() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new AttrWriter(out).attr("protocol", "cleanup_protocol").attr("queue_id", "ABC").end();
        assertEquals("protocol\0cleanup_protocol\0queue_id\0ABC\0\0", out.toString());
        Attrs a = new AttrReader(new ByteArrayInputStream(out.toByteArray())).read();
        a.expect("protocol", "cleanup_protocol");
        assertEquals("ABC", a.require("queue_id"));
    }

    @Test
    void boundsAndErrors() {
        byte[] longValue = ("n\0" + "v".repeat(100) + "\0\0").getBytes();
        assertThrows(ProtocolException.class, () -> new AttrReader(new ByteArrayInputStream(longValue), 10, 10).read());
        assertThrows(EOFException.class, () -> new AttrReader(new ByteArrayInputStream(new byte[0])).read());
        assertThrows(ProtocolException.class, () -> new AttrReader(new ByteArrayInputStream("a\0b".getBytes())).read());
        assertThrows(IllegalArgumentException.class, () -> new AttrWriter(new ByteArrayOutputStream()).attr("a", "x\0y"));
    }

    @Test
    void deliverRequestAndStatusRoundTrip() throws IOException {
        DeliverRequest req = new DeliverRequest(QueueName.ACTIVE, new QueueId("74AB3160019"), 743, 371, "mail.example.com", "",
                "alice@example.org", 1795288307000L, 1795288308000L, "localhost", "127.0.0.1",
                List.of(new DeliverRequest.Recipient(274, "bob", "bob@mail.example.com"),
                        new DeliverRequest.Recipient(310, "carol@x", "carol@mail.example.com")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        req.writeTo(new AttrWriter(out));
        assertEquals(req, DeliverRequest.readFrom(new AttrReader(new ByteArrayInputStream(out.toByteArray())).read()));
        // with DSN parameters and SMTPUTF8
        DeliverRequest dsn = new DeliverRequest(QueueName.ACTIVE, new QueueId("74AB3160019"), 743, 371, "mail.example.com", "8bit",
                "alice@example.org", 1795288307000L, 1795288308000L, "localhost", "127.0.0.1",
                List.of(new DeliverRequest.Recipient(274, "bob", "bob@mail.example.com", "rfc822;bob@old.example", 6),
                        new DeliverRequest.Recipient(310, "carol@x", "carol@mail.example.com")), "QQ314159", 2,
                DeliverRequest.SMTPUTF8_REQUESTED | DeliverRequest.SMTPUTF8_HEADER);
        ByteArrayOutputStream o3 = new ByteArrayOutputStream();
        dsn.writeTo(new AttrWriter(o3));
        DeliverRequest back = DeliverRequest.readFrom(new AttrReader(new ByteArrayInputStream(o3.toByteArray())).read());
        assertEquals(dsn, back);
        assertEquals(0, back.recipients().get(1).dsnNotify());
        assertEquals(true, back.requiresSmtputf8());
        assertEquals(false, back.traceOnly());
        // with the trace flags of sendmail -bv
        DeliverRequest probe = new DeliverRequest(QueueName.ACTIVE, new QueueId("74AB3160019"), 743, 371, "mail.example.com", "",
                "alice@example.org", 1795288307000L, 1795288308000L, "", "", List.of(new DeliverRequest.Recipient(274, "bob", "bob@x")),
                "", 0, 0, org.postroom.global.proto.deliver.TraceFlags.USR_VRFY);
        ByteArrayOutputStream o4 = new ByteArrayOutputStream();
        probe.writeTo(new AttrWriter(o4));
        DeliverRequest p4 = DeliverRequest.readFrom(new AttrReader(new ByteArrayInputStream(o4.toByteArray())).read());
        assertEquals(probe, p4);
        assertEquals(true, p4.traceOnly());
        assertEquals(512, p4.traceFlags());

        List<DeliveryStatus> st = List.of(DeliveryStatus.sent(274, "2.0.0", "delivered to maildir"),
                DeliveryStatus.deferred(310, "4.3.0", "mailbox busy"));
        ByteArrayOutputStream o2 = new ByteArrayOutputStream();
        DeliveryStatus.writeAll(new AttrWriter(o2), st);
        assertEquals(st, DeliveryStatus.readAll(new AttrReader(new ByteArrayInputStream(o2.toByteArray())).read()));
    }
}
