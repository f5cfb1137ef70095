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
 * record offset. Times are epoch milliseconds. {@code flags} holds the message's {@link TraceFlags}
 * (qmgr_deliver.c: {@code message->tflags}): with {@link TraceFlags#USR_VRFY} the agent delivers nothing
 * and reports what it would do.
 */
public record DeliverRequest(QueueName queue, QueueId queueId, long dataOffset, long size, String nexthop,
                             String encoding, String sender, long arrivalTime, long activeTime,
                             String clientName, String clientAddress, List<Recipient> recipients,
                             String dsnEnvid, int dsnRet, int sendopts, int flags) {

    /** sendopts bits (sendopts.h): the sender asked for SMTPUTF8; UTF-8 was found in a header, the sender, a recipient. */
    public static final int SMTPUTF8_REQUESTED = 1;
    public static final int SMTPUTF8_HEADER = 2;
    public static final int SMTPUTF8_SENDER = 4;
    public static final int SMTPUTF8_RECIPIENT = 8;
    public static final int SMTPUTF8_DERIVED = SMTPUTF8_HEADER | SMTPUTF8_SENDER | SMTPUTF8_RECIPIENT;

    /**
     * One recipient: the offset of its R record, the original address as submitted, the address, and its
     * DSN parameters: ORCPT as "type;address" ("" when not given) and the NOTIFY bits (0 when not given).
     */
    public record Recipient(long offset, String originalRecipient, String address, String dsnOrcpt, int dsnNotify) {
        public Recipient(long offset, String originalRecipient, String address) {
            this(offset, originalRecipient, address, "", 0);
        }
    }

    public DeliverRequest {
        recipients = List.copyOf(recipients);
        dsnEnvid = dsnEnvid == null ? "" : dsnEnvid;
    }

    /** A request without trace flags. */
    public DeliverRequest(QueueName queue, QueueId queueId, long dataOffset, long size, String nexthop, String encoding, String sender,
                          long arrivalTime, long activeTime, String clientName, String clientAddress, List<Recipient> recipients,
                          String dsnEnvid, int dsnRet, int sendopts) {
        this(queue, queueId, dataOffset, size, nexthop, encoding, sender, arrivalTime, activeTime, clientName, clientAddress,
                recipients, dsnEnvid, dsnRet, sendopts, 0);
    }

    /** A request without DSN parameters, SMTPUTF8 or trace flags. */
    public DeliverRequest(QueueName queue, QueueId queueId, long dataOffset, long size, String nexthop, String encoding, String sender,
                          long arrivalTime, long activeTime, String clientName, String clientAddress, List<Recipient> recipients) {
        this(queue, queueId, dataOffset, size, nexthop, encoding, sender, arrivalTime, activeTime, clientName, clientAddress,
                recipients, "", 0, 0, 0);
    }

    /** DEL_REQ_TRACE_FLAGS(): the trace bits of this request. */
    public int traceFlags() {
        return TraceFlags.of(flags);
    }

    /** DEL_REQ_TRACE_ONLY(): an address probe (sendmail -bv): nothing is delivered. */
    public boolean traceOnly() {
        return TraceFlags.only(flags);
    }

    /** DELIVERY_REQUIRES_SMTPUTF8: the sender asked for SMTPUTF8 and the envelope or a header needs it. */
    public boolean requiresSmtputf8() {
        return (sendopts & SMTPUTF8_REQUESTED) != 0 && (sendopts & SMTPUTF8_DERIVED) != 0;
    }

    public void writeTo(AttrWriter w) throws IOException {
        w.attr(AttrNames.FLAGS, flags).attr(AttrNames.QUEUE_NAME, queue.dir()).attr(AttrNames.QUEUE_ID, queueId.value())
                .attr(AttrNames.DATA_OFFSET, dataOffset).attr(AttrNames.SIZE, size)
                .attr(AttrNames.NEXTHOP, nexthop).attr(AttrNames.ENCODING, encoding)
                .attr(AttrNames.SENDER, sender).attr(AttrNames.ARRIVAL_TIME, arrivalTime)
                .attr(AttrNames.ACTIVE_TIME, activeTime).attr(AttrNames.CLIENT_NAME, clientName)
                .attr(AttrNames.CLIENT_ADDR, clientAddress).attr(AttrNames.DSN_ENVID, dsnEnvid).attr(AttrNames.DSN_RET, dsnRet)
                .attr(AttrNames.SENDOPTS, sendopts).attr(AttrNames.NRCPT, recipients.size());
        for (Recipient r : recipients) {
            w.attr(AttrNames.OFFSET, r.offset()).attr(AttrNames.DSN_ORCPT, r.dsnOrcpt()).attr(AttrNames.DSN_NOTIFY, r.dsnNotify())
                    .attr(AttrNames.ORIG_RCPT, r.originalRecipient()).attr(AttrNames.RECIPIENT, r.address());
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
        String orcpt = "";
        int notify = 0;
        for (Map.Entry<String, String> e : a.entries()) {
            switch (e.getKey()) {
                case AttrNames.OFFSET -> offset = parseLong(e.getValue());
                case AttrNames.ORIG_RCPT -> orig = e.getValue();
                case AttrNames.DSN_ORCPT -> orcpt = e.getValue();
                case AttrNames.DSN_NOTIFY -> notify = (int) parseLong(e.getValue());
                case AttrNames.RECIPIENT -> {
                    if (offset < 0 || orig == null) throw new ProtocolException("recipient without offset");
                    rcpts.add(new Recipient(offset, orig, e.getValue(), orcpt, notify));
                    offset = -1;
                    orig = null;
                    orcpt = "";
                    notify = 0;
                }
                default -> { }
            }
        }
        if (rcpts.size() != n || n == 0) throw new ProtocolException("recipient count mismatch");
        return new DeliverRequest(q, id, a.requireLong(AttrNames.DATA_OFFSET), a.requireLong(AttrNames.SIZE),
                a.require(AttrNames.NEXTHOP), a.optional(AttrNames.ENCODING).orElse(""), a.require(AttrNames.SENDER),
                a.requireLong(AttrNames.ARRIVAL_TIME), a.requireLong(AttrNames.ACTIVE_TIME),
                a.optional(AttrNames.CLIENT_NAME).orElse(""), a.optional(AttrNames.CLIENT_ADDR).orElse(""), rcpts,
                a.optional(AttrNames.DSN_ENVID).orElse(""), (int) parseLong(a.optional(AttrNames.DSN_RET).orElse("0")),
                (int) parseLong(a.optional(AttrNames.SENDOPTS).orElse("0")), (int) parseLong(a.optional(AttrNames.FLAGS).orElse("0")));
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
