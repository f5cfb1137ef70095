package org.postroom.global.proto.deliver;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.AttrReader;
import org.postroom.global.ipc.AttrWriter;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.ipc.ProtocolException;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;

/**
 * One delivery request from qmgr to a delivery agent (deliver_request.c). The agent reads the message
 * content itself from the queue file at {@code dataOffset} and marks each finished recipient done at its
 * record offset. Times are epoch milliseconds.
 */
public record DeliverRequest(QueueName queue, QueueId queueId, long dataOffset, long size, String nexthop,
                             String encoding, String sender, long arrivalTime, long activeTime,
                             String clientName, String clientAddress, List<Recipient> recipients) {

    /** One recipient: the offset of its R record, the original address as submitted, the address. */
    public record Recipient(long offset, String originalRecipient, String address) {}

    public DeliverRequest {
        recipients = List.copyOf(recipients);
    }

    public void writeTo(AttrWriter w) throws IOException {
        w.attr(AttrNames.QUEUE_NAME, queue.dir()).attr(AttrNames.QUEUE_ID, queueId.value())
                .attr(AttrNames.DATA_OFFSET, dataOffset).attr(AttrNames.SIZE, size)
                .attr(AttrNames.NEXTHOP, nexthop).attr(AttrNames.ENCODING, encoding)
                .attr(AttrNames.SENDER, sender).attr(AttrNames.ARRIVAL_TIME, arrivalTime)
                .attr(AttrNames.ACTIVE_TIME, activeTime).attr(AttrNames.CLIENT_NAME, clientName)
                .attr(AttrNames.CLIENT_ADDR, clientAddress).attr(AttrNames.NRCPT, recipients.size());
        for (Recipient r : recipients) {
            w.attr(AttrNames.OFFSET, r.offset()).attr(AttrNames.ORIG_RCPT, r.originalRecipient())
                    .attr(AttrNames.RECIPIENT, r.address());
        }
        w.end();
    }

    public static DeliverRequest readFrom(Attrs a) throws ProtocolException {
        QueueName q = QueueName.of(a.require(AttrNames.QUEUE_NAME));
        if (q == null) throw new ProtocolException("bad queue name");
        QueueId id;
        try {
            id = new QueueId(a.require(AttrNames.QUEUE_ID));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(e.getMessage());
        }
        int n = a.requireInt(AttrNames.NRCPT);
        List<Recipient> rcpts = new ArrayList<>();
        long offset = -1;
        String orig = null;
        for (Map.Entry<String, String> e : a.entries()) {
            switch (e.getKey()) {
                case AttrNames.OFFSET -> offset = parseLong(e.getValue());
                case AttrNames.ORIG_RCPT -> orig = e.getValue();
                case AttrNames.RECIPIENT -> {
                    if (offset < 0 || orig == null) throw new ProtocolException("recipient without offset");
                    rcpts.add(new Recipient(offset, orig, e.getValue()));
                    offset = -1;
                    orig = null;
                }
                default -> { }
            }
        }
        if (rcpts.size() != n || n == 0) throw new ProtocolException("recipient count mismatch");
        return new DeliverRequest(q, id, a.requireLong(AttrNames.DATA_OFFSET), a.requireLong(AttrNames.SIZE),
                a.require(AttrNames.NEXTHOP), a.optional(AttrNames.ENCODING).orElse(""), a.require(AttrNames.SENDER),
                a.requireLong(AttrNames.ARRIVAL_TIME), a.requireLong(AttrNames.ACTIVE_TIME),
                a.optional(AttrNames.CLIENT_NAME).orElse(""), a.optional(AttrNames.CLIENT_ADDR).orElse(""), rcpts);
    }

    /**
     * The delivery agent's side of the protocol (deliver_request_read(), deliver_request_done()): the
     * greeting, then one request and one reply at a time until the client hangs up.
     *
     * @param agent delivers every recipient of one request and returns one status per recipient, with a
     *              hop status when the destination itself failed
     */
    public static void serve(InputStream in, OutputStream out, Function<DeliverRequest, DeliveryReply> agent)
            throws IOException {
        AttrReader reader = new AttrReader(in);
        AttrWriter writer = new AttrWriter(out);
        writer.attr(AttrNames.PROTOCOL, AttrNames.PROTO_DELIVER).end();
        while (true) {
            Attrs attrs;
            try {
                attrs = reader.read();
            } catch (EOFException e) {
                return;
            }
            agent.apply(readFrom(attrs)).writeTo(writer);
        }
    }

    private static long parseLong(String v) throws ProtocolException {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad number: " + v);
        }
    }
}
