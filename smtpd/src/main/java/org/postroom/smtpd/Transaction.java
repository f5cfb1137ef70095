package org.postroom.smtpd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.postroom.global.mail.MailError;
import org.postroom.global.proto.cleanup.CleanupStatus;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;
import org.postroom.util.Printable;

/**
 * One mail transaction, from MAIL FROM to the end of DATA or BDAT LAST: the envelope, the queue file it
 * is written to (opened at the first accepted recipient), the size so far and the errors that will
 * decide the final reply. Write errors are remembered, never thrown: the client still sends its data.
 */
final class Transaction {
    final String sender;
    final EsmtpParams.Mail params;
    final Instant arrival;
    private final long sizeLimit;
    private final SessionLog log;
    int recipients;
    int overshoot;
    String firstRecipient = "";
    long size;
    /** A BDAT chunk has been accepted: DATA, MAIL and RCPT are refused now. */
    boolean bdat;
    /** The error every further BDAT chunk gets (the message is lost). */
    SmtpReply bdatError;
    /** The error class of a failed {@link #finish}. */
    private int errorClass;
    private QueueSink.Stream stream;
    private boolean writeError;
    private boolean tooBig;
    private boolean firstLine = true;
    private boolean lineStart = true;
    private LineAssembler chunkLines;
    private boolean chunkBareLf;

    Transaction(String sender, EsmtpParams.Mail params, Instant arrival, long sizeLimit, SessionLog log) {
        this.sender = sender;
        this.params = params;
        this.arrival = arrival;
        this.sizeLimit = sizeLimit;
        this.log = log;
    }

    boolean isOpen() {
        return stream != null;
    }

    /** The queue ID, or NOQUEUE before the queue file exists. */
    String queueId() {
        return stream == null ? "NOQUEUE" : stream.queueId();
    }

    /** Opens the queue file and writes the envelope up to the sender (mail_open_stream). */
    void open(QueueSink sink, List<Map.Entry<String, String>> attributes) throws IOException {
        stream = sink.open();
        write(w -> {
            w.put(RecordType.TIME, arrival.getEpochSecond() + " " + arrival.getNano() / 1000);
            w.attr("create_time", Long.toString(arrival.getEpochSecond()));
            for (Map.Entry<String, String> a : attributes) w.attr(a.getKey(), a.getValue());
            w.put(RecordType.FROM, sender);
            if (!params.encoding().isEmpty()) w.attr("encoding", params.encoding());
            // the DSN and SMTPUTF8 attributes under Postfix's names (mail_proto.h), which cleanup(8) keeps
            if (params.ret() != 0) w.attr("ret_flags", Integer.toString(params.ret()));
            if (!params.envid().isEmpty()) w.attr("envelope_id", params.envid());
            if (params.smtputf8()) w.attr("sendopts", "1");
        });
    }

    void addRecipient(String recipient, EsmtpParams.Rcpt p) {
        if (recipients++ == 0) firstRecipient = recipient;
        write(w -> {
            if (!p.orcpt().isEmpty()) w.attr("dsn_orig_rcpt", p.orcpt());
            if (p.notifyFlags() != 0) w.attr("notify_flags", Integer.toString(p.notifyFlags()));
            w.put(RecordType.ORCP, recipient);
            w.put(RecordType.RCPT, recipient);
        });
    }

    /** Ends the envelope and writes our Received: header. */
    void startContent(List<String> received) {
        write(w -> {
            w.put(RecordType.MESG, new byte[0]);
            for (String line : received) w.put(RecordType.NORM, line);
        });
    }

    /**
     * One content line or piece. DATA content is counted ({@code counted}) and limited here, as line
     * length plus CRLF; BDAT counts whole chunks instead.
     */
    void content(byte[] bytes, boolean complete, boolean counted) {
        if (counted && !tooBig) {
            if (sizeLimit > 0 && sizeLimit - size < bytes.length + 2L) {
                tooBig = true;
                log.warn(queueId() + ": queue file size limit exceeded");
                abortStream();
            } else {
                size += bytes.length + 2L;
            }
        }
        if (tooBig || bdatError != null) return;
        boolean start = lineStart;
        lineStart = complete;
        write(w -> {
            if (start && firstLine) {
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                if (text.replaceFirst("^>+", "").startsWith("From ")) {
                    w.put(complete ? RecordType.NORM : RecordType.CONT, "X-Mailbox-Line: " + new String(bytes, StandardCharsets.UTF_8));
                    return;
                }
                firstLine = false;
                if (bytes.length > 0 && (bytes[0] == ' ' || bytes[0] == '\t')) w.put(RecordType.NORM, new byte[0]);
            }
            w.put(complete ? RecordType.NORM : RecordType.CONT, bytes);
        });
    }

    /** BDAT octets: cut into lines (LF or CRLF ends a line) and written as content. */
    void chunk(byte[] data, int off, int len, int lineLimit) {
        if (chunkLines == null) chunkLines = new LineAssembler(lineLimit);
        for (int i = off; i < off + len; i++) {
            if (!chunkLines.push(data[i] & 0xff)) continue;
            while (chunkLines.hasLine()) {
                Line l = chunkLines.take();
                if (l.end() == Line.End.LF) chunkBareLf = true;
                content(l.bytes(), l.complete(), false);
            }
        }
    }

    /** Ends BDAT content: an unterminated last line is stored as a complete line. */
    void endChunks() {
        if (chunkLines != null && chunkLines.holdsPartial()) content(chunkLines.finish().bytes(), true, false);
    }

    boolean chunkBareLf() {
        return chunkBareLf;
    }

    /**
     * Ends the message: X and E, then cleanup's verdict (data_cmd). Returns the reply and whether the
     * message was queued.
     */
    SmtpReply finish(String myhostname, String okReply) {
        errorClass = MailError.RESOURCE;
        if (tooBig) {
            errorClass = MailError.BOUNCE; // CLEANUP_STAT_SIZE
            return SmtpReply.of("552 5.3.4 Error: message file too big");
        }
        if (stream == null) return SmtpReply.of("451 4.3.0 Error: queue file write error");
        write(w -> {
            w.put(RecordType.XTRA, new byte[0]);
            w.put(RecordType.END, new byte[0]);
        });
        if (writeError) {
            abortStream();
            return SmtpReply.of("451 4.3.0 Error: queue file write error");
        }
        String id = stream.queueId();
        try {
            CleanupStatus status = stream.finish();
            stream = null;
            errorClass = errorClass(status);
            return status.ok() ? SmtpReply.of(okReply + id) : refusal(status, id, myhostname);
        } catch (IOException e) {
            log.warn(id + ": cleanup: " + e.getMessage());
            abortStream();
            return SmtpReply.of("451 4.3.0 Error: queue file write error");
        }
    }

    /** The error class of the last {@link #finish} that failed (common_post_message_handling()). */
    int errorClass() {
        return errorClass;
    }

    /**
     * smtpd.c's classes for cleanup's verdict, in its order: a reason that is an SMTP reply (a content
     * rejection, a defer with its own reply) is policy, as are defer and content; a size or hop count
     * limit is a bounce; a write error is resource; anything else (a malformed stream, an unknown status)
     * is software.
     */
    static int errorClass(CleanupStatus st) {
        int s = st.status();
        if (s == 0) return 0;
        if (st.reason().matches("^[45]\\d\\d([ -].*)?$")) return MailError.POLICY;
        if ((s & CleanupStatus.STAT_DEFER) != 0) return MailError.POLICY;
        if ((s & CleanupStatus.STAT_BAD) != 0) return MailError.SOFTWARE;
        if ((s & (CleanupStatus.STAT_SIZE | CleanupStatus.STAT_HOPS)) != 0) return MailError.BOUNCE;
        if ((s & CleanupStatus.STAT_CONT) != 0) return MailError.POLICY;
        if ((s & CleanupStatus.STAT_WRITE) != 0) return MailError.RESOURCE;
        return MailError.SOFTWARE;
    }

    /** cleanup's refusal as a reply; a reason that is not a well-formed reply is wrapped, not trusted. */
    private SmtpReply refusal(CleanupStatus status, String id, String myhostname) {
        String text = Printable.sanitize(status.smtpReply(id, myhostname));
        boolean plainDefer = (status.status() & ~CleanupStatus.STAT_DEFER) == 0;
        if (plainDefer && status.reason().matches("^4\\.\\d{1,3}\\.\\d{1,3} .*")) {
            text = "451 " + Printable.sanitize(status.reason()); // cleanup's own 4.x.y reason (smtpd.c data_cmd)
        } else if (plainDefer) {
            text = "451 4.7.1 Error: service unavailable";
        }
        try {
            return SmtpReply.of(text);
        } catch (IllegalArgumentException e) {
            log.warn(id + ": cleanup status " + status.status() + ": " + text);
            return (status.status() & CleanupStatus.STAT_CONT) != 0
                    ? new SmtpReply(550, "5.7.1", text, false) : SmtpReply.of("451 4.3.0 Error: internal error");
        }
    }

    /** Drops the queue file (RSET, EHLO, lost connection, rejected content). */
    void abort() {
        abortStream();
    }

    private void abortStream() {
        if (stream != null) stream.abort();
        stream = null;
    }

    private interface Writes {
        void to(RecordWriter w) throws IOException;
    }

    private void write(Writes action) {
        if (stream == null || writeError) return;
        try {
            action.to(stream.records());
        } catch (IOException e) {
            writeError = true;
            log.warn(stream.queueId() + ": queue file write error: " + e.getMessage());
        }
    }
}
