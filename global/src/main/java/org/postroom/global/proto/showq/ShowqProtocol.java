package org.postroom.global.proto.showq;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postroom.global.ipc.AttrReader;
import org.postroom.global.ipc.AttrWriter;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.ipc.ProtocolException;

/**
 * The showq conversation (showq.c, showq_compat.c): the server greets with {@code protocol=mail_queue_list_protocol},
 * then sends one attribute list per message, {@code queue_name, queue_id, time, size, forced_expire,
 * sender} followed by {@code (recipient, reason)} pairs, and ends with an empty list. The client sends
 * nothing.
 */
public final class ShowqProtocol {
    private ShowqProtocol() {}

    public static final String PROTOCOL = "mail_queue_list_protocol";

    public static void greet(AttrWriter w) throws IOException {
        w.attr("protocol", PROTOCOL).end();
    }

    /** Writes one entry without flushing (the caller's buffer decides). */
    public static void write(OutputStream out, QueueEntry e) throws IOException {
        AttrWriter w = new AttrWriter(new NoFlush(out));
        w.attr("queue_name", e.queueName()).attr("queue_id", e.queueId()).attr("time", e.arrivalTime())
                .attr("size", e.size()).attr("forced_expire", e.forcedExpire() ? 1 : 0).attr("sender", e.sender());
        for (QueueEntry.Recipient r : e.recipients()) w.attr("recipient", r.address()).attr("reason", r.reason());
        out.write(0);
    }

    public static void end(OutputStream out) throws IOException {
        out.write(0);
        out.flush();
    }

    /** The client side: checks the greeting, then yields entries until the end marker. */
    public static final class Reader {
        private final AttrReader in;

        public Reader(InputStream in) throws IOException {
            this.in = new AttrReader(in, 1 << 20, Integer.MAX_VALUE);
            this.in.read().expect("protocol", PROTOCOL);
        }

        /** The next entry, or null at the end of the listing. */
        public QueueEntry next() throws IOException {
            Attrs a;
            try {
                a = in.read();
            } catch (EOFException e) {
                throw new ProtocolException("malformed showq server response");
            }
            if (a.entries().isEmpty()) return null;
            List<Map.Entry<String, String>> l = a.entries();
            if (l.size() < 6 || (l.size() - 6) % 2 != 0) throw new ProtocolException("malformed showq server response");
            List<QueueEntry.Recipient> rcpts = new ArrayList<>();
            for (int i = 6; i < l.size(); i += 2) rcpts.add(new QueueEntry.Recipient(l.get(i).getValue(), l.get(i + 1).getValue()));
            try {
                return new QueueEntry(a.require("queue_name"), a.require("queue_id"), a.requireLong("time"),
                        a.requireLong("size"), a.requireInt("forced_expire") != 0, a.require("sender"), rcpts);
            } catch (ProtocolException e) {
                throw new ProtocolException("malformed showq server response");
            }
        }
    }

    /** AttrWriter flushes at end(); entries are written in bulk, so flushing is left to the caller. */
    private static final class NoFlush extends java.io.FilterOutputStream {
        NoFlush(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() {
            // deliberately empty
        }
    }
}
