package org.postroom.bounce;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.postroom.global.bounce.BounceTemplate;
import org.postroom.global.bounce.BounceTemplate.Kind;
import org.postroom.global.bounce.BounceTemplates;
import org.postroom.global.mail.MailDate;
import org.postroom.global.mail.Quote822Local;
import org.postroom.global.proto.bounce.BounceLog;
import org.postroom.global.record.QueueFile.LineSink;
import org.postroom.util.Printable;

/**
 * Writes the content of a notice (bounce_notify_util.c, with the Received:, Date: and Message-Id: headers
 * post_mail.c and cleanup(8) add in Postfix): the header, a multipart/report with the template text and one
 * paragraph per recipient, the message/delivery-status report, and the returned original, each line
 * without its newline. The recipients are the log entries the caller chose (the DSN NOTIFY filter is the
 * caller's); an empty list is allowed only for a failure, which then says the report is unavailable.
 *
 * <p>Trust: the log entries, the envelope and the returned message come from strangers. Their text is made
 * printable (no CR, LF or controls; no 8-bit when smtputf8_enable = no), report lines are wrapped and
 * folded with 4-space indentation, and the boundary is chosen so that no line of the notice starts with it.
 */
public final class NoticeWriter {
    /** What a headers-only copy passes on at most, whatever bounce_size_limit says. */
    static final long HEADERS_LIMIT = 1 << 20;
    private static final DateTimeFormatter MSGID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    private static final int SMTPUTF8_REQUESTED = 1;

    private final NoticeSettings s;
    private final BounceTemplates templates;
    private final Map<Kind, List<String>> text = new EnumMap<>(Kind.class);
    private final String mailName;

    /**
     * A writer for these settings and templates. The template texts are expanded here, once, so an undefined
     * $name is a {@link org.postroom.global.config.ConfigException} at start-up, not at the first notice.
     */
    public NoticeWriter(NoticeSettings settings, BounceTemplates templates) {
        this.s = settings;
        this.templates = templates;
        for (Kind k : Kind.values()) text.put(k, templates.get(k).expand(settings.templateContext()));
        // RFC 3464: the diagnostic type is an atom; X-$mail_name must be one
        StringBuilder b = new StringBuilder();
        for (char c : settings.mailName().toCharArray()) b.append(" \t\r\n()<>@,;:\\\".[]".indexOf(c) >= 0 ? '-' : c);
        this.mailName = b.toString();
    }

    /** Writes the notice to {@code out}, one line per call. */
    public void write(Notice n, Original o, List<BounceLog.Entry> entries, LineSink out) throws IOException {
        if (entries.isEmpty() && n.kind() != Kind.FAILURE) throw new IllegalArgumentException("no recipients to report");
        new Writing(n, o, entries, out).run();
    }

    /** The notice as text lines (for tests and logs: bytes of the original that are not UTF-8 are replaced). */
    public List<String> lines(Notice n, Original o, List<BounceLog.Entry> entries) throws IOException {
        List<String> l = new ArrayList<>();
        write(n, o, entries, (b, off, len) -> l.add(new String(b, off, len, StandardCharsets.UTF_8)));
        return l;
    }

    /** One notice being written. */
    private final class Writing {
        final Notice n;
        final Original o;
        final List<BounceLog.Entry> entries;
        final LineSink out;
        final BounceTemplate t;
        final String mime;
        final boolean not7bit;
        final boolean requested;
        final boolean anyUtf8;
        final boolean headersOnly;
        final long copyLimit;
        final String sender;
        String boundary;

        Writing(Notice n, Original o, List<BounceLog.Entry> entries, LineSink out) {
            this.n = n;
            this.o = o;
            this.entries = entries;
            this.out = out;
            this.t = templates.get(n.kind());
            // Postfix 2.11+: always 8bit when SMTPUTF8 is on (addresses or $myhostname may be UTF-8)
            String enc = o.encoding();
            this.mime = s.smtputf8Enable() || enc.equals("8bit") ? "8bit" : enc.equals("7bit") ? "7bit" : null;
            this.not7bit = mime != null && !mime.equals("7bit");
            this.requested = (o.sendopts() & SMTPUTF8_REQUESTED) != 0;
            this.anyUtf8 = o.sendopts() != 0;
            long limit = s.bounceSizeLimit();
            boolean tooBig = limit > 0 && o.available() && (o.messageSize() <= 0 || o.messageSize() > limit);
            this.headersOnly = n.returned() == Notice.Returned.HEADERS || tooBig;
            this.copyLimit = headersOnly ? Math.max(limit, HEADERS_LIMIT) : limit;
            this.sender = o.sender().map(x -> clean(Quote822Local.quote(x.isEmpty() ? "MAILER-DAEMON@" + s.myorigin() : x))).orElse(null);
        }

        void run() throws IOException {
            boundary = boundary();
            header();
            notification();
            report();
            original();
        }

        /** ORIGID.EPOCH/myhostname, with a suffix in the unlikely case a line of the notice starts with it. */
        private String boundary() throws IOException {
            String base = o.queueId() + "." + n.now().getEpochSecond() + "/" + s.myhostname();
            List<String> clash = new ArrayList<>();
            if (!n.postmasterCopy()) for (String l : text.get(n.kind())) if (l.startsWith("--" + base)) clash.add(l);
            byte[] prefix = ("--" + base).getBytes(StandardCharsets.UTF_8);
            o.copy(headersOnly, copyLimit, (b, off, len) -> {
                if (startsWith(b, off, len, prefix)) clash.add(new String(b, off, len, StandardCharsets.UTF_8));
            });
            String candidate = base;
            for (int i = 1; clashes(clash, candidate); i++) candidate = base + "." + i;
            return candidate;
        }

        private static boolean clashes(List<String> lines, String b) {
            for (String l : lines) if (l.startsWith("--" + b)) return true;
            return false;
        }

        /** bounce_header(), with what post_mail and cleanup add around it. */
        private void header() throws IOException {
            String date = date(n.now().getEpochSecond());
            put("Received: by " + s.myhostname() + " (" + s.mailName() + ")");
            put("\tid " + n.queueId() + "; " + date);
            put("Date: " + date);
            put("From: " + qualifyFrom(t.from(s.obsoleteFrom())));
            put("Subject: " + t.subject(n.postmasterCopy()));
            put("To: " + qualify(clean(Quote822Local.quote(n.recipient()))));
            if (s.threadedBounces()) {
                var id = o.messageId(HEADERS_LIMIT);
                if (id.isPresent()) {
                    String v = clean(id.get());
                    put("References: " + v);
                    put("In-Reply-To: " + v);
                }
            }
            put("Auto-Submitted: " + (n.postmasterCopy() ? "auto-generated" : "auto-replied"));
            put("MIME-Version: 1.0");
            put("Content-Type: multipart/report; report-type=delivery-status;");
            put("\tboundary=\"" + boundary + "\"");
            if (mime != null) put("Content-Transfer-Encoding: " + (mime.equals("7bit") ? t.encoding() : mime));
            put("Message-Id: <" + (s.longQueueIds() ? "" : MSGID_TIME.format(n.now()) + ".") + n.queueId() + "@" + s.myhostname() + ">");
            put("");
            put("This is a MIME-encapsulated message.");
        }

        /** The text/plain part: the template text (not in postmaster copies) and bounce_recipient_log() per recipient. */
        private void notification() throws IOException {
            put("");
            put("--" + boundary);
            put("Content-Description: Notification");
            put("Content-Type: text/plain; charset=" + (!t.charsetIsAscii() ? t.charset() : not7bit ? "utf-8" : "us-ascii"));
            if (not7bit) put("Content-Transfer-Encoding: " + mime);
            put("");
            if (!n.postmasterCopy()) for (String l : text.get(n.kind())) put(l);
            if (entries.isEmpty()) {
                put("");
                put("\t--- Delivery report unavailable ---");
            }
            for (BounceLog.Entry e : entries) {
                put("");
                String orig = original(e);
                wrap("<" + recipient(e) + ">" + (orig.isEmpty() ? "" : " (expanded from <" + orig + ">)") + ": " + reason(e));
            }
        }

        /** The message/delivery-status part: bounce_header_dsn(), then bounce_recipient_dsn() per recipient. */
        private void report() throws IOException {
            put("");
            put("--" + boundary);
            put("Content-Description: Delivery report");
            put("Content-Type: message/" + (requested ? "global-" : "") + "delivery-status");
            if (not7bit && requested) put("Content-Transfer-Encoding: " + mime);
            put("");
            put("Reporting-MTA: dns; " + s.myhostname());
            String envid = clean(o.envelopeId());
            if (!envid.isEmpty()) fold("Original-Envelope-Id: ", envid);
            put("X-" + mailName + "-Queue-ID: " + o.queueId());
            if (sender != null) fold("X-" + mailName + "-Sender: " + type(sender) + "; ", sender);
            if (o.arrivalTime() > 0) put("Arrival-Date: " + date(o.arrivalTime()));
            for (BounceLog.Entry e : entries) {
                put("");
                String rcpt = recipient(e);
                fold("Final-Recipient: " + type(rcpt) + "; ", rcpt);
                String orcpt = text(e.dsnOrigRcpt());
                String orig = original(e);
                if (!orcpt.isEmpty()) fold("Original-Recipient: ", orcpt);
                else if (!orig.isEmpty()) fold("Original-Recipient: " + type(orig) + "; ", orig);
                put("Action: " + (n.kind() == Kind.FAILURE ? "failed" : orDefault(text(e.action()), compatAction())));
                put("Status: " + orDefault(text(e.status()), compatStatus()));
                if (!e.mtaType().isEmpty() && !e.mtaName().isEmpty()) wrap("Remote-MTA: " + text(e.mtaType()) + "; " + text(e.mtaName()));
                if (!e.diagType().isEmpty() && !e.diagText().isEmpty()) {
                    wrap("Diagnostic-Code: " + text(e.diagType()) + "; " + text(e.diagText()));
                } else {
                    wrap("Diagnostic-Code: X-" + mailName + "; " + reason(e));
                }
                if (n.kind() == Kind.DELAY && o.arrivalTime() > 0) {
                    put("Will-Retry-Until: " + date(o.arrivalTime() + s.maximalQueueLifetime().toSeconds()));
                }
            }
        }

        /** bounce_original(): the returned message or its headers, then the closing boundary. */
        private void original() throws IOException {
            put("");
            put("--" + boundary);
            boolean undelivered = n.kind() == Kind.FAILURE || n.kind() == Kind.DELAY;
            put("Content-Description: " + (undelivered ? "Undelivered " : "") + (headersOnly ? "Message Headers" : "Message"));
            if (requested) put("Content-Type: message/" + (headersOnly ? "global-headers" : "global"));
            else put("Content-Type: " + (headersOnly ? "text/rfc822-headers" : "message/rfc822"));
            if (not7bit) put("Content-Transfer-Encoding: " + mime);
            put("");
            if (!o.hasContent()) {
                put("\t--- Undelivered message unavailable ---");
            } else {
                put("Return-Path: <" + (sender == null ? "" : sender) + ">");
                byte[] prefix = ("--" + boundary).getBytes(StandardCharsets.UTF_8);
                o.copy(headersOnly, copyLimit, (b, off, len) -> {
                    if (startsWith(b, off, len, prefix)) {
                        // changed since the boundary was chosen: keep the structure, shift the line
                        byte[] x = new byte[len + 1];
                        x[0] = ' ';
                        System.arraycopy(b, off, x, 1, len);
                        out.line(x, 0, x.length);
                    } else {
                        out.line(b, off, len);
                    }
                });
            }
            put("");
            put("--" + boundary + "--");
        }

        private String recipient(BounceLog.Entry e) {
            return e.recipient().isEmpty() ? "<>" : text(Quote822Local.quote(e.recipient()));
        }

        /** The original recipient when it differs from the recipient (bounce_append writes it only then). */
        private String original(BounceLog.Entry e) {
            String orig = e.originalRecipient();
            if (orig.isEmpty() || orig.equalsIgnoreCase(e.recipient())) return "";
            return text(Quote822Local.quote(orig));
        }

        private String reason(BounceLog.Entry e) {
            return orDefault(text(e.reason()), "(description unavailable)");
        }

        /** "utf-8" for a UTF-8 address of an SMTPUTF8 message, else "rfc822". */
        private String type(String address) {
            return anyUtf8 && !ascii(address) ? "utf-8" : "rfc822";
        }

        private String compatStatus() {
            return switch (n.kind()) {
                case FAILURE -> "5.0.0";
                case DELAY -> "4.0.0";
                case SUCCESS, VERIFY -> "2.0.0";
            };
        }

        private String compatAction() {
            return n.kind() == Kind.DELAY ? "delayed" : "delivered";
        }

        /** Text from a log entry, as bounce_log_read() shows it: printable, and ASCII unless smtputf8_enable. */
        private String text(String v) {
            String p = clean(v);
            if (s.smtputf8Enable() || ascii(p)) return p;
            StringBuilder b = new StringBuilder(p.length());
            p.codePoints().forEach(c -> {
                if (c < 0x80) b.append((char) c);
                else b.append("?".repeat(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8).length));
            });
            return b.toString();
        }

        private void put(String line) throws IOException {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            out.line(b, 0, b.length);
        }

        private void wrap(String line) throws IOException {
            LineWrap.wrap(line, out);
        }

        /**
         * A field Postfix prints on one line: the same here, unless it is too long and has blanks to fold
         * at (text a stranger chose), when it is wrapped like the diagnostics.
         */
        private void fold(String label, String value) throws IOException {
            String line = label + value;
            if (line.length() > LineWrap.LENGTH && (value.indexOf(' ') >= 0 || value.indexOf('\t') >= 0)) wrap(line);
            else put(line);
        }

        private String date(long epochSeconds) {
            return MailDate.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(epochSeconds), s.zone()));
        }
    }

    /** The From: value with its address qualified with @$myorigin, as cleanup(8) would (append_at_myorigin). */
    String qualifyFrom(String from) {
        int lt = from.indexOf('<');
        int gt = lt < 0 ? -1 : from.indexOf('>', lt);
        if (gt > lt && lt >= 0) return from.substring(0, lt + 1) + qualify(from.substring(lt + 1, gt)) + from.substring(gt);
        int end = 0;
        while (end < from.length() && from.charAt(end) != ' ' && from.charAt(end) != '\t' && from.charAt(end) != '(') end++;
        return qualify(from.substring(0, end)) + from.substring(end);
    }

    private String qualify(String address) {
        return address.isEmpty() || address.indexOf('@') >= 0 ? address : address + "@" + s.myorigin();
    }

    private static String clean(String v) {
        return Printable.sanitize(v == null ? "" : v);
    }

    private static String orDefault(String v, String def) {
        return v.isEmpty() ? def : v;
    }

    private static boolean ascii(String v) {
        for (int i = 0; i < v.length(); i++) if (v.charAt(i) >= 0x80) return false;
        return true;
    }

    private static boolean startsWith(byte[] b, int off, int len, byte[] prefix) {
        if (len < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (b[off + i] != prefix[i]) return false;
        return true;
    }
}
