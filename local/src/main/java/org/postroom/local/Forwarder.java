package org.postroom.local;

import java.io.IOException;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postroom.global.log.Msg;
import org.postroom.global.mail.MailDate;
import org.postroom.global.mailbox.Errno;
import org.postroom.global.mailbox.Message;
import org.postroom.global.mailbox.Verdict;
import org.postroom.global.proto.cleanup.CleanupStatus;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;

/**
 * Mail forwarding by resubmission (forward.c): addresses that do not resolve to this delivery agent,
 * and local addresses below an owner (owner- alias, .forward, :include:), are collected per
 * (Delivered-To, sender) and sent to cleanup(8) as one new message each, with
 * "Received: by $myhostname ($mail_name)" / "\tid NEWID; date" and "Delivered-To:" prepended to the
 * original content. The original recipient is then reported "forwarded as NEWID".
 */
final class Forwarder {
    /** A new message being written to cleanup. */
    interface Submission extends AutoCloseable {
        String queueId();

        RecordWriter records();

        CleanupStatus finish() throws IOException;

        @Override
        void close() throws IOException;
    }

    /** Opens a cleanup stream (CleanupClient in production). */
    interface Submitter {
        Submission open() throws IOException;
    }

    /** What the new envelope carries over from the delivery request. */
    record Origin(String clientName, String clientAddress, String myhostname, String mailName, boolean prependDelivered) {}

    /** Content lines longer than this go to cleanup as continued records. */
    private static final int PIECE = 2048;

    private record Key(String delivered, String sender) {}

    private record Item(String orig, String address) {}

    private final Map<Key, List<Item>> groups = new LinkedHashMap<>();

    /** Queues one address; {@code orig} is the original recipient it carries ("" for none). */
    void append(String delivered, String sender, String orig, String address) {
        groups.computeIfAbsent(new Key(delivered, sender), k -> new ArrayList<>()).add(new Item(orig, address));
    }

    boolean isEmpty() {
        return groups.isEmpty();
    }

    /** Sends every group; one verdict per group, in order. */
    List<Verdict> finish(Submitter submitter, Message msg, Origin origin, ZonedDateTime now) {
        List<Verdict> out = new ArrayList<>();
        for (Map.Entry<Key, List<Item>> g : groups.entrySet()) out.add(send(submitter, msg, origin, now, g.getKey(), g.getValue()));
        groups.clear();
        return out;
    }

    private static Verdict send(Submitter submitter, Message msg, Origin origin, ZonedDateTime now, Key key, List<Item> items) {
        try (Submission s = submitter.open()) {
            RecordWriter w = s.records();
            w.put(RecordType.TIME, now.toEpochSecond() + " " + now.getNano() / 1000);
            w.put(RecordType.FROM, key.sender());
            if (!origin.clientName().isEmpty()) w.attr("log_client_name", origin.clientName());
            if (!origin.clientAddress().isEmpty()) w.attr("log_client_address", origin.clientAddress());
            w.attr("rewrite_context", origin.clientAddress().isEmpty() ? "local" : "remote");
            for (Item i : items) {
                if (!i.orig().isEmpty()) w.put(RecordType.ORCP, i.orig());
                w.put(RecordType.RCPT, i.address());
            }
            w.put(RecordType.MESG, "");
            w.put(RecordType.NORM, "Received: by " + origin.myhostname() + " (" + origin.mailName() + ")");
            w.put(RecordType.NORM, "\tid " + s.queueId() + "; " + MailDate.format(now.withZoneSameInstant(java.time.ZoneId.systemDefault())));
            if (origin.prependDelivered()) w.put(RecordType.NORM, "Delivered-To: " + key.delivered().toLowerCase(Locale.ROOT));
            msg.forEachLine((data, off, len) -> w.putLine(data, off, len, PIECE));
            w.put(RecordType.XTRA, "");
            w.put(RecordType.END, "");
            CleanupStatus st = s.finish();
            if (!st.ok()) {
                Msg.warn(s.queueId() + ": cleanup refused forwarded message: status " + st.status() + " " + st.reason());
                return Verdict.defer("4.3.0", "unable to forward message");
            }
            return Verdict.sent("forwarded as " + s.queueId());
        } catch (IOException e) {
            Msg.warn("cannot forward message: " + Errno.text(e));
            return Verdict.defer("4.3.0", "unable to forward message");
        }
    }
}
