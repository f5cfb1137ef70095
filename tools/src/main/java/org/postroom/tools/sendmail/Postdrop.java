package org.postroom.tools.sendmail;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;

/**
 * Writes one message into maildrop, in the record sequence that postdrop(1) writes (3.4):
 * {@code T, [A envid], A rewrite_context, [F], S, [A encoding], [A trace_flags], ([A notify_flags] R)...,
 * M, N/L..., X, ([A notify_flags] R)..., E}. The recipients that {@code -t} takes from the headers go after
 * X. An address probe (sendmail -bv) has the content sendmail.c makes up instead of standard input.
 */
final class Postdrop {
    /** The envelope of one submission; addresses are already in internal form. */
    record Envelope(String sender, String fullName, String rewriteContext, String encoding, String envid,
                    int notifyFlags, int traceFlags, List<String> recipients) {
        Envelope {
            recipients = List.copyOf(recipients);
        }
    }

    /** line_length_limit, header_size_limit and message_size_limit (0 = no limit). */
    record Limits(int lineLimit, int headerLimit, long sizeLimit) {}

    /** What became of a submission. */
    sealed interface Outcome {
        /** Committed to maildrop, ready for pickup. */
        record Queued(QueueId id) implements Outcome {}

        /** The content exceeded message_size_limit; nothing was kept (SMTP input is read to its end). */
        record TooBig() implements Outcome {}

        /** SMTP input ended without the final dot; nothing was kept. */
        record Lost() implements Outcome {}
    }

    private final MailQueue queue;
    private final Limits limits;
    private final int uid;

    Postdrop(MailQueue queue, Limits limits, int uid) {
        this.queue = queue;
        this.limits = limits;
        this.uid = uid;
    }

    /** Reads the message from {@code in} and drops it into maildrop; the file is removed on any failure. */
    Outcome drop(Envelope env, InputStream in, MessageReader.Mode mode, boolean extract) throws IOException, Fatal {
        String who = env.sender() + "(" + uid + ")";
        try (MaildropFile file = MaildropFile.create(queue)) {
            RecordWriter w = file.records();
            envelope(w, env);
            long contentStart = w.offset();
            boolean[] tooBig = {false};
            HeaderRecipients headers = extract ? new HeaderRecipients() : null;
            MessageReader reader = new MessageReader(limits.lineLimit(), limits.headerLimit(), mode, headers);
            MessageReader.End end;
            try {
                end = reader.copy(in, (type, data, len) -> {
                    if (tooBig[0]) return;
                    w.put(type, data, 0, len);
                    if (limits.sizeLimit() > 0 && w.offset() - contentStart > limits.sizeLimit()) {
                        if (mode != MessageReader.Mode.SMTP) throw new Fatal("message file too big");
                        tooBig[0] = true;
                    }
                });
            } catch (Fatal f) {
                throw new Fatal(who + ": " + f.getMessage());
            }
            if (mode == MessageReader.Mode.SMTP && end != MessageReader.End.DOT) return new Outcome.Lost();
            if (tooBig[0]) return new Outcome.TooBig();
            w.put(RecordType.XTRA, "");
            List<String> extracted = headers != null ? headers.recipients() : List.of();
            recipients(w, extracted, env.notifyFlags());
            if (env.recipients().size() + extracted.size() == 0) {
                throw new Fatal(who + ": " + (extract ? "No recipient addresses found in message header"
                        : "Recipient addresses must be specified on the command line or via the -t option"));
            }
            w.put(RecordType.END, "");
            file.commit();
            return new Outcome.Queued(file.id());
        }
    }

    /**
     * sendmail -bv: the probe, with the content sendmail.c writes instead of reading standard input: From: the
     * sender (none for the null sender), "Subject: probe" and To: with the recipient {@code arguments} as given.
     */
    Outcome probe(Envelope env, List<String> arguments) throws IOException, Fatal {
        try (MaildropFile file = MaildropFile.create(queue)) {
            RecordWriter w = file.records();
            envelope(w, env);
            if (!env.sender().isEmpty()) w.put(RecordType.NORM, "From: " + env.sender());
            w.put(RecordType.NORM, "Subject: probe");
            if (!arguments.isEmpty()) {
                w.put(RecordType.CONT, "To:");
                for (int i = 0; i < arguments.size(); i++) w.put(RecordType.NORM, "\t" + arguments.get(i) + (i + 1 < arguments.size() ? "," : ""));
            }
            w.put(RecordType.XTRA, "");
            if (env.recipients().isEmpty()) {
                throw new Fatal(env.sender() + "(" + uid + "): Recipient addresses must be specified on the command line or via the -t option");
            }
            w.put(RecordType.END, "");
            file.commit();
            return new Outcome.Queued(file.id());
        }
    }

    /** The envelope segment up to and including M. */
    private static void envelope(RecordWriter w, Envelope env) throws IOException {
        Instant now = Instant.now();
        w.put(RecordType.TIME, now.getEpochSecond() + " " + now.getNano() / 1000);
        if (env.envid() != null) w.attr("envid", env.envid());
        w.attr("rewrite_context", env.rewriteContext());
        if (env.fullName() != null) w.put(RecordType.FULL, env.fullName());
        w.put(RecordType.FROM, env.sender());
        if (env.encoding() != null) w.attr("encoding", env.encoding());
        if (env.traceFlags() != 0) w.attr("trace_flags", Integer.toString(env.traceFlags()));
        recipients(w, env.recipients(), env.notifyFlags());
        w.put(RecordType.MESG, "");
    }

    private static void recipients(RecordWriter w, List<String> rcpts, int notifyFlags) throws IOException {
        for (String r : rcpts) {
            if (notifyFlags != 0) w.attr("notify_flags", Integer.toString(notifyFlags));
            w.put(RecordType.RCPT, r);
        }
    }
}
