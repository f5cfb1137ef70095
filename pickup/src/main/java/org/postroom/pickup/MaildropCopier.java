package org.postroom.pickup;

import java.io.IOException;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.deliver.TraceFlags;
import org.postroom.global.record.Record;
import org.postroom.global.record.RecordException;
import org.postroom.global.record.RecordReader;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;
import org.postroom.util.Printable;

/**
 * Copies the segments of a maildrop file to cleanup, record by record, allowing only what sendmail
 * writes (pickup.c {@code copy_segment}, postdrop.c). This class handles hostile input: every record is
 * bounded by line_length_limit, every segment by message_size_limit, and each segment has a whitelist:
 * <ul>
 * <li>envelope: {@code T C V i n} are read and dropped (pickup writes its own arrival time), {@code F S R}
 * are copied if free of control characters, {@code O} too but only from a file that postsuper -r wrote,
 * {@code A} only for rewrite_context, encoding, envid and notify_flags with sane values, and trace_flags
 * for sendmail -bv and -v only (512 or 1024: a user may not ask for an MTA address probe); {@code M} ends
 * it;</li>
 * <li>content: {@code N L}; {@code X} ends it;</li>
 * <li>extracted: {@code R A} (and {@code O} as above); {@code E} ends it.</li>
 * </ul>
 * Anything else makes the file malformed; it is then removed without notifying the sender.
 */
final class MaildropCopier {
    /** Why a file was rejected; the text is the warning to log. */
    static final class Malformed extends Exception {
        Malformed(String text) {
            super(text);
        }
    }

    private final RecordReader in;
    private final RecordWriter out;
    private final String id;
    private final int uid;
    private final int lineLimit;
    private final long sizeLimit;
    private final boolean requeued;

    /**
     * {@code id} is cleanup's queue ID, for log lines. {@code sizeLimit} 0 means no limit. {@code requeued}:
     * the file was written by postsuper -r (owned by mail_owner, which no user can fake), so it may also
     * carry the original recipient (O) of each recipient.
     */
    MaildropCopier(RecordReader in, RecordWriter out, String id, int uid, int lineLimit, long sizeLimit, boolean requeued) {
        this.in = in;
        this.out = out;
        this.id = id;
        this.uid = uid;
        this.lineLimit = lineLimit;
        this.sizeLimit = sizeLimit;
        this.requeued = requeued;
    }

    /** Copies the envelope up to, not including, the M record; returns the envelope sender. */
    String envelope() throws IOException, Malformed {
        String sender = null;
        boolean context = false;
        long start = in.offset();
        for (Record r = next(start); r.type() != RecordType.MESG; r = next(start)) {
            switch (r.type()) {
                case TIME, SIZE, VERP, DSN_ENVID, DSN_NOTIFY -> { }
                case FULL -> out.put(RecordType.FULL, clean(r));
                case FROM -> {
                    if (sender != null) throw malformed(r);
                    sender = r.text();
                    out.put(RecordType.FROM, clean(r));
                }
                case RCPT -> out.put(RecordType.RCPT, clean(r));
                case ORCP -> originalRecipient(r);
                case ATTR -> context |= attribute(r).equals("rewrite_context");
                default -> throw malformed(r);
            }
        }
        if (sender == null) throw new Malformed(id + ": uid=" + uid + ": no envelope sender");
        if (!context) out.attr("rewrite_context", "local");
        return sender;
    }

    /** Copies the content up to, not including, the X record. */
    void content() throws IOException, Malformed {
        boolean first = true;
        long start = in.offset();
        for (Record r = next(start); r.type() != RecordType.XTRA; r = next(start)) {
            if (r.type() != RecordType.NORM && r.type() != RecordType.CONT) throw malformed(r);
            if (first && r.data().length > 0 && (r.data()[0] == ' ' || r.data()[0] == '\t')) {
                out.put(RecordType.NORM, ""); // so that it does not continue our Received: header
            }
            first = false;
            out.put(r.type(), r.data());
        }
    }

    /** Copies the extracted segment up to, not including, the E record. */
    void extracted() throws IOException, Malformed {
        long start = in.offset();
        for (Record r = next(start); r.type() != RecordType.END; r = next(start)) {
            switch (r.type()) {
                case RCPT -> out.put(RecordType.RCPT, clean(r));
                case ORCP -> originalRecipient(r);
                case ATTR -> attribute(r);
                default -> throw malformed(r);
            }
        }
    }

    private Record next(long segmentStart) throws IOException, Malformed {
        Record r;
        try {
            r = in.next(lineLimit);
        } catch (RecordException e) {
            throw new Malformed("uid=" + uid + ": unexpected or malformed record type -2 (" + e.getMessage() + ")");
        }
        if (r == null) throw new Malformed("uid=" + uid + ": unexpected or malformed record type -1 (premature end of file)");
        if (sizeLimit > 0 && in.offset() - segmentStart > sizeLimit) {
            throw new Malformed(id + ": uid=" + uid + ": message file too big");
        }
        return r;
    }

    /** Copies an allowed attribute record, else logs and drops it; returns its name. */
    private String attribute(Record r) throws IOException {
        String text = r.text();
        int eq = text.indexOf('=');
        if (eq <= 0) {
            Msg.warn("uid=" + uid + ": ignoring malformed record: missing '=': " + shorten(text));
            return "";
        }
        String name = text.substring(0, eq);
        String value = text.substring(eq + 1);
        if (name.equals("trace_flags")) { // postdrop.c: "allow only sendmail '-v' and '-bv' tracing"
            if (TraceFlags.fromUser(value) < 0) {
                Msg.warn("uid=" + uid + ": ignoring unexpected trace flags: " + shorten(value));
                return "";
            }
            out.attr(name, value);
            return name;
        }
        boolean ok = switch (name) {
            case "rewrite_context" -> value.equals("local") || value.equals("remote");
            case "encoding" -> value.equals("7bit") || value.equals("8bit");
            case "envid" -> value.length() <= 100 && value.chars().allMatch(c -> c > ' ' && c < 127);
            case "notify_flags" -> value.matches("[0-9]{1,2}") && Integer.parseInt(value) >= 1 && Integer.parseInt(value) <= 15;
            default -> false;
        };
        if (!ok) {
            Msg.warn("uid=" + uid + ": ignoring attribute record: " + shorten(name) + "=" + shorten(value));
            return "";
        }
        out.attr(name, value);
        return name;
    }

    /** An O record: only in a requeued file (sendmail never writes one). */
    private void originalRecipient(Record r) throws IOException, Malformed {
        if (!requeued) throw malformed(r);
        out.put(RecordType.ORCP, clean(r));
    }

    /** The data of an address or name record, which must not hold control characters. */
    private byte[] clean(Record r) throws Malformed {
        for (byte b : r.data()) if ((b & 0xff) < ' ' || b == 0x7f) throw malformed(r);
        return r.data();
    }

    private Malformed malformed(Record r) {
        return new Malformed("uid=" + uid + ": unexpected or malformed record type " + (int) r.type().code);
    }

    private static String shorten(String s) {
        return Printable.sanitize(s.length() > 200 ? s.substring(0, 200) : s);
    }
}
