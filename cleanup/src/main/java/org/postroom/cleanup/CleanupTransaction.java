package org.postroom.cleanup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Set;
import org.postroom.global.mail.MailDate;
import org.postroom.global.proto.cleanup.CleanupStatus;
import org.postroom.global.queue.QueueId;
import org.postroom.global.record.Record;
import org.postroom.global.record.RecordException;
import org.postroom.global.record.RecordReader;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;

/**
 * One message through cleanup (cleanup_envelope.c, cleanup_message.c, cleanup_extracted.c): reads the
 * client's record stream segment by segment, rewrites envelope addresses, inspects and completes the
 * primary headers, and writes the queue file. Returns the status; the caller makes it durable.
 */
final class CleanupTransaction {
    private static final DateTimeFormatter MSGID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    /** The part of the configuration a transaction needs. */
    record Settings(String myhostname, String myorigin, int lineLimit, long messageSizeLimit, int headerSizeLimit,
                    int hopcountLimit, Set<String> dropHeaders, boolean alwaysAddHeaders, boolean replaceStrayCrLf,
                    java.time.Duration delayWarningTime) {}

    /** Address rewriting through trivial-rewrite (or a fake in tests). */
    interface AddressRewriter {
        String rewrite(String context, String address) throws IOException;
    }

    private final QueueId id;
    private final Settings s;
    private final MessageAddresses addresses;
    private final RecordWriter out;
    private final boolean addHeadersFlag;

    private String context = "local";
    private String sender = null;
    /** sendopts.h: SMTPUTF8 requested by the client, and UTF-8 found in a header or the sender. */
    static final int SMTPUTF8_REQUESTED = 1;
    static final int SMTPUTF8_HEADER = 2;
    static final int SMTPUTF8_SENDER = 4;
    private int sendopts;
    private int dsnNotify;
    private String dsnOrcpt = "";
    private String fullName = "";
    private long arrivalSeconds = Instant.now().getEpochSecond();
    private boolean createTimeSeen;
    private int recipients;
    private int status;
    private long dataOffset = -1;
    private long contentLength;
    private String messageId = "";

    CleanupTransaction(QueueId id, Settings s, MessageAddresses addresses, RecordWriter out, boolean addHeadersFlag) {
        this.id = id;
        this.s = s;
        this.addresses = addresses;
        this.out = out;
        this.addHeadersFlag = addHeadersFlag;
    }

    long dataOffset() {
        return dataOffset;
    }

    long contentLength() {
        return contentLength;
    }

    int recipients() {
        return recipients;
    }

    String sender() {
        return sender == null ? "" : sender;
    }

    String messageId() {
        return messageId;
    }

    /** Processes the whole input; throws IOException when the client went away or broke the protocol. */
    CleanupStatus run(RecordReader in) throws IOException {
        int max = Math.max(s.lineLimit(), 1024) * 4;
        envelope(in, max);
        content(in, max);
        extracted(in, max);
        status |= addresses.status();
        if (status == 0 && recipients == 0) status = CleanupStatus.STAT_RCPT;
        return new CleanupStatus(status, addresses.status() != 0 ? "4.6.0 Alias expansion error" : "");
    }

    private void envelope(RecordReader in, int max) throws IOException {
        String pendingOrig = null;
        while (true) {
            Record r = next(in, max);
            switch (r.type()) {
                case TIME -> {
                    String t = r.text().strip();
                    try {
                        arrivalSeconds = Long.parseLong(t.split(" ")[0]);
                    } catch (NumberFormatException e) {
                        throw new RecordException("bad time record: " + t);
                    }
                    out.put(RecordType.TIME, r.data());
                }
                case ATTR -> {
                    String a = r.text();
                    if (a.startsWith("rewrite_context=")) context = a.substring("rewrite_context=".length()).equals("remote") ? "remote" : "local";
                    if (a.startsWith("create_time=")) createTimeSeen = true;
                    if (!dsnAttribute(a)) out.put(RecordType.ATTR, r.data());
                }
                case FULL -> {
                    fullName = r.text();
                    out.put(RecordType.FULL, r.data());
                }
                case FROM -> {
                    noNul(r);
                    if (!createTimeSeen) out.attr("create_time", Long.toString(arrivalSeconds));
                    sender = addresses.sender(context, r.text());
                    if ((sendopts & SMTPUTF8_REQUESTED) != 0 && !ascii(sender)) sendopts |= SMTPUTF8_SENDER;
                    out.put(RecordType.FROM, sender);
                    // cleanup_envelope.c: when the delay warning is due, right after the sender (none for bounces)
                    if (!sender.isEmpty() && s.delayWarningTime().toSeconds() > 0) {
                        out.put(RecordType.WARN, String.format(java.util.Locale.ROOT, "%15d", arrivalSeconds + s.delayWarningTime().toSeconds()));
                    }
                }
                case ORCP -> pendingOrig = noNul(r);
                case RCPT -> {
                    recipient(pendingOrig, noNul(r));
                    pendingOrig = null;
                }
                case MESG -> {
                    if (sender == null) throw new RecordException("no sender record");
                    out.put(RecordType.MESG, new byte[0]);
                    dataOffset = out.offset();
                    return;
                }
                case WARN, VERP, DSN_ENVID, DSN_RET, DSN_NOTIFY, DSN_ORCPT, PRIO, CTIME, SIZE -> { }
                default -> throw new RecordException("unexpected record type '" + r.type().code + "' in envelope");
            }
        }
    }

    /** An envelope address record's text; a NUL (which no address and no IPC attribute can hold) is a bad record. */
    private static String noNul(Record r) throws RecordException {
        for (byte b : r.data()) if (b == 0) throw new RecordException("NUL in envelope record '" + r.type().code + "'");
        return r.text();
    }

    /**
     * The DSN and SMTPUTF8 attributes of the envelope (cleanup_envelope.c): "notify_flags" and
     * "dsn_orig_rcpt" belong to the next recipient and are written before each address it expands to;
     * "envelope_id" (printable text) and "ret_flags" (1 FULL, 2 HDRS) are kept; "sendopts" goes into the
     * size record; "trace_flags" (digits: sendmail -bv, -v) is kept. A malformed value rejects the message,
     * as in Postfix. True when consumed here.
     */
    private boolean dsnAttribute(String a) throws RecordException {
        int eq = a.indexOf('=');
        String name = eq < 0 ? a : a.substring(0, eq);
        String value = eq < 0 ? "" : a.substring(eq + 1);
        switch (name) {
            case "notify_flags" -> {
                int n = number(value);
                if (n <= 0 || n > 15 || ((n & 1) != 0 && n != 1)) {
                    org.postroom.global.log.Msg.warn("ignoring malformed DSN notify record <" + value + ">");
                } else {
                    dsnNotify = n;
                }
                return true;
            }
            case "dsn_orig_rcpt" -> {
                dsnOrcpt = value;
                return true;
            }
            case "envelope_id" -> {
                for (int i = 0; i < value.length(); i++) {
                    char c = value.charAt(i);
                    if (c < 0x20 && c != '\t' || c >= 0x7f) throw new RecordException("bad DSN envelope ID record");
                }
                return false;
            }
            case "ret_flags" -> {
                int n = number(value);
                if (n != 1 && n != 2) throw new RecordException("bad DSN RET record <" + value + ">");
                return false;
            }
            case "sendopts" -> {
                sendopts = number(value) & SMTPUTF8_REQUESTED;
                return true;
            }
            case "trace_flags" -> { // kept for qmgr (sendmail -bv, -v); cleanup_envelope.c rejects a bad one
                if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new RecordException("bad TFLAG record <" + a + ">");
                }
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    private static int number(String v) throws RecordException {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new RecordException("bad number <" + v + ">");
        }
    }

    static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }

    /** The SMTPUTF8 bits for the size record: requested, and found in the sender or a header. */
    int sendopts() {
        return sendopts;
    }

    /**
     * Writes the queue-file recipients of one envelope recipient. Without an ORCPT from the client, the
     * DSN original recipient is its canonical address before virtual alias expansion, as "rfc822;addr"
     * ("utf-8;addr" for a UTF-8 address of an SMTPUTF8 message), as cleanup_addr.c does since Postfix
     * 3.0: bounce(8) reports it as Original-Recipient and smtp(8) passes it on as ORCPT.
     */
    private void recipient(String orig, String raw) throws IOException {
        MessageAddresses.Expansion x = addresses.recipients(context, orig, raw);
        if (dsnOrcpt.isEmpty() && !x.canonical().isEmpty()) {
            dsnOrcpt = (!ascii(x.canonical()) && (sendopts & SMTPUTF8_REQUESTED) != 0 ? "utf-8;" : "rfc822;") + x.canonical();
        }
        for (String a : x.recipients()) {
            if (dsnNotify != 0) out.attr("notify_flags", Integer.toString(dsnNotify));
            if (!dsnOrcpt.isEmpty()) out.attr("dsn_orig_rcpt", dsnOrcpt);
            out.put(RecordType.ORCP, orig != null ? orig : raw);
            out.put(RecordType.RCPT, a);
            recipients++;
        }
        dsnNotify = 0;
        dsnOrcpt = "";
    }

    /*
     * The content segment (cleanup_message.c, mime_state.c). Headers are collected one logical header at
     * a time in a HeaderBuffer bounded by header_size_limit: an oversized header is truncated, never
     * turned into body, and every later header is still a header. There is no limit on the number of
     * headers (Postfix has none); memory stays bounded because each header is written out as soon as
     * the next line shows that it is complete. Body records are copied through as they arrive.
     */
    private void content(RecordReader in, int max) throws IOException {
        boolean inHeaders = true;
        HeaderBuffer header = new HeaderBuffer(s.headerSizeLimit());
        HeaderState h = new HeaderState();
        boolean prevCont = false;
        long bytes = 0;
        while (true) {
            Record r = next(in, max);
            if (r.type() == RecordType.XTRA) break;
            if (r.type() != RecordType.NORM && r.type() != RecordType.CONT) {
                throw new RecordException("unexpected record type '" + r.type().code + "' in content");
            }
            bytes += r.data().length + 2;
            if (s.messageSizeLimit() > 0 && bytes > s.messageSizeLimit()) status |= CleanupStatus.STAT_SIZE;
            if ((status & CleanupStatus.STAT_SIZE) != 0) continue;
            if (!inHeaders) {
                out.put(r.type(), clean(r.data()));
                continue;
            }
            byte[] data = r.data();
            boolean cont = r.type() == RecordType.CONT;
            if (!header.isEmpty()) {
                if (prevCont) {
                    header.appendPiece(data);
                    prevCont = cont;
                    continue;
                }
                if (data.length > 0 && (data[0] == ' ' || data[0] == '\t')) {
                    header.appendLine(data);
                    prevCont = cont;
                    continue;
                }
                flushHeader(header, h);
            }
            int nameLength = HeaderBuffer.nameLength(data);
            if (nameLength > 0) {
                header.start(data, nameLength);
                prevCont = cont;
                continue;
            }
            // end of headers: an empty line or the first line that is not a header
            endHeaders(h);
            inHeaders = false;
            if (data.length > 0) out.put(RecordType.NORM, "");
            out.put(r.type(), clean(data));
        }
        if (inHeaders) {
            flushHeader(header, h);
            endHeaders(h);
        }
        contentLength = out.offset() - dataOffset;
        out.put(RecordType.XTRA, new byte[0]);
        if (h.received > s.hopcountLimit()) status |= CleanupStatus.STAT_HOPS;
    }

    /** Inspects, rewrites and writes the collected header, then empties the buffer. */
    private void flushHeader(HeaderBuffer header, HeaderState h) throws IOException {
        if (header.isEmpty()) return;
        byte[] raw = header.bytes();
        header.clear();
        if ((sendopts & SMTPUTF8_REQUESTED) != 0 && (sendopts & SMTPUTF8_HEADER) == 0) {
            for (byte b : raw) {
                if (b < 0) {
                    sendopts |= SMTPUTF8_HEADER;
                    break;
                }
            }
        }
        String logical = new String(raw, StandardCharsets.UTF_8);
        if (!h.accept(logical, s.dropHeaders())) return;
        String rewritten = context.equals("local") ? addresses.header(logical) : logical;
        if (rewritten == logical) {
            int from = 0;
            for (int i = 0; i <= raw.length; i++) {
                if (i == raw.length || raw[i] == '\n') {
                    writeLine(Arrays.copyOfRange(raw, from, i));
                    from = i + 1;
                }
            }
        } else {
            for (String l : rewritten.split("\n", -1)) writeLine(l.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void endHeaders(HeaderState h) throws IOException {
        boolean add = addHeadersFlag || s.alwaysAddHeaders() || context.equals("local");
        String prefix = h.resent ? "Resent-" : "";
        boolean haveId = h.resent ? h.resentMessageId : h.messageId;
        boolean haveDate = h.resent ? h.resentDate : h.date;
        boolean haveFrom = h.resent ? h.resentFrom : h.from;
        messageId = h.messageId ? h.messageIdValue : "";
        if (add && !haveId) {
            String gen = "<" + MSGID_TIME.format(Instant.ofEpochSecond(arrivalSeconds)) + "." + id + "@" + s.myhostname() + ">";
            writeLine(prefix + "Message-Id: " + gen);
            if (!h.resent) messageId = gen;
        }
        if (add && !haveDate) {
            writeLine(prefix + "Date: " + MailDate.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(arrivalSeconds), ZoneId.systemDefault())));
        }
        if (add && !haveFrom) {
            String addr = sender().isEmpty() ? "MAILER-DAEMON" : sender();
            String name = fullName.replaceAll("[\\r\\n\"<>]", " ").strip();
            writeLine(prefix + "From: " + (name.isEmpty() ? addr : name + " <" + addr + ">"));
        }
    }

    /** Writes one content line, split into CONT pieces of at most line_length_limit bytes. */
    private void writeLine(String line) throws IOException {
        writeLine(line.getBytes(StandardCharsets.UTF_8));
    }

    private void writeLine(byte[] line) throws IOException {
        byte[] b = clean(line);
        int limit = Math.max(s.lineLimit(), 1);
        int off = 0;
        while (b.length - off > limit) {
            out.put(RecordType.CONT, b, off, limit);
            off += limit;
        }
        out.put(RecordType.NORM, b, off, b.length - off);
    }

    /** cleanup_replace_stray_cr_lf: a CR or LF left inside a content line becomes a space. */
    private byte[] clean(byte[] data) {
        if (!s.replaceStrayCrLf()) return data;
        byte[] copy = null;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\r' || data[i] == '\n') {
                if (copy == null) copy = data.clone();
                copy[i] = ' ';
            }
        }
        return copy == null ? data : copy;
    }

    private void extracted(RecordReader in, int max) throws IOException {
        String pendingOrig = null;
        while (true) {
            Record r = next(in, max);
            switch (r.type()) {
                case ORCP -> pendingOrig = noNul(r);
                case RCPT -> {
                    recipient(pendingOrig, noNul(r));
                    pendingOrig = null;
                }
                case ATTR -> {
                    if (!dsnAttribute(r.text())) out.put(RecordType.ATTR, r.data());
                }
                case END -> {
                    out.put(RecordType.END, new byte[0]);
                    return;
                }
                case DONE, DRCP, DSN_ORCPT, DSN_NOTIFY, PRIO, FULL -> { }
                default -> throw new RecordException("unexpected record type '" + r.type().code + "' in extracted segment");
            }
        }
    }

    private static Record next(RecordReader in, int max) throws IOException {
        Record r = in.next(max);
        if (r == null) throw new java.io.EOFException("client went away before end of message");
        return r;
    }
}
