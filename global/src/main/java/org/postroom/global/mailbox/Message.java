package org.postroom.global.mailbox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.postroom.global.mail.MailDate;
import org.postroom.global.record.QueueFile;
import org.postroom.util.Printable;

/**
 * The message of one delivery request, read from the queue file each time it is copied (Postfix
 * mail_copy.c), and the Delivered-To: addresses of its primary header block (delivered_hdr.c).
 */
public final class Message {

    /** What a copy looks like. */
    public enum Style {
        /** From_ line, {@code >From } quoting, a blank line at the end (MAIL_COPY_MBOX). */
        MBOX,
        /** The prepended headers and the message as is. */
        MAILDIR,
        /** From_ line and prepended headers, no quoting, no blank line (command delivery). */
        PIPE
    }

    private static final byte[] FROM_ = "From ".getBytes(StandardCharsets.US_ASCII);

    private final Path queueFile;
    private final long dataOffset;
    private final int maxRecord;
    private final String sender;
    private final boolean lowerCaseDeliveredTo;
    private Set<String> deliveredTo;

    /**
     * @param dataOffset where the content records start (after the M record)
     * @param maxRecord the largest content record accepted
     * @param lowerCaseDeliveredTo whether the Delivered-To: header that {@link #copyTo} prepends is lower-cased
     *        after sanitising, as Postfix's mail_copy() does (virtual(8)); false writes it as given (local(8))
     */
    public Message(Path queueFile, long dataOffset, int maxRecord, String sender, boolean lowerCaseDeliveredTo) {
        this.queueFile = queueFile;
        this.dataOffset = dataOffset;
        this.maxRecord = maxRecord;
        this.sender = sender;
        this.lowerCaseDeliveredTo = lowerCaseDeliveredTo;
    }

    public String sender() {
        return sender;
    }

    /**
     * Writes the message to {@code out}: the From_ line (not for Maildir), Return-Path:, X-Original-To:
     * (when {@code originalRecipient} is not empty), Delivered-To: (when {@code delivered} is not null),
     * then every content line with a "\n".
     */
    public void copyTo(OutputStream out, Style style, String originalRecipient, String delivered, ZonedDateTime now)
            throws IOException {
        if (style != Style.MAILDIR) {
            line(out, "From " + (sender.isEmpty() ? "MAILER-DAEMON" : clean(sender)) + "  " + MailDate.asctime(now));
        }
        line(out, "Return-Path: <" + clean(sender) + ">");
        if (!originalRecipient.isEmpty()) line(out, "X-Original-To: " + clean(originalRecipient));
        if (delivered != null) {
            String d = clean(delivered);
            line(out, "Delivered-To: " + (lowerCaseDeliveredTo ? d.toLowerCase(Locale.ROOT) : d));
        }
        boolean quote = style == Style.MBOX;
        QueueFile.copyContent(queueFile, dataOffset, maxRecord, (data, off, len) -> {
            if (quote && startsWith(data, off, len, FROM_)) out.write('>');
            out.write(data, off, len);
            out.write('\n');
        });
        if (style == Style.MBOX) out.write('\n');
    }

    /** This message with another envelope sender (below an owner- alias). */
    public Message withSender(String other) {
        if (other == null || other.equals(sender)) return this;
        return new Message(queueFile, dataOffset, maxRecord, other, lowerCaseDeliveredTo);
    }

    /** Every content line as it is stored (long lines joined), without newline. */
    public void forEachLine(QueueFile.LineSink sink) throws IOException {
        QueueFile.copyContent(queueFile, dataOffset, maxRecord, sink);
    }

    /** The lower-cased Delivered-To: addresses in the message's own headers, read once. */
    public synchronized Set<String> deliveredTo() throws IOException {
        if (deliveredTo != null) return deliveredTo;
        Set<String> found = new HashSet<>();
        StringBuilder header = new StringBuilder();
        try {
            QueueFile.copyContent(queueFile, dataOffset, maxRecord, (data, off, len) -> {
                String l = new String(data, off, len, StandardCharsets.UTF_8);
                if (!l.isEmpty() && (l.charAt(0) == ' ' || l.charAt(0) == '\t')) {
                    header.append(l);
                    return;
                }
                noteDelivered(header, found);
                if (l.isEmpty()) throw new EndOfHeaders();
                header.setLength(0);
                header.append(l);
            });
            noteDelivered(header, found);
        } catch (EndOfHeaders e) {
            // the body is of no interest
        }
        deliveredTo = Collections.unmodifiableSet(found);
        return deliveredTo;
    }

    private static void noteDelivered(CharSequence header, Set<String> found) {
        String h = header.toString();
        if (h.regionMatches(true, 0, "Delivered-To:", 0, 13)) found.add(h.substring(13).strip().toLowerCase(Locale.ROOT));
    }

    private static boolean startsWith(byte[] data, int off, int len, byte[] prefix) {
        if (len < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (data[off + i] != prefix[i]) return false;
        return true;
    }

    private static void line(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
    }

    /** Envelope text goes into headers: no control characters. */
    private static String clean(String s) {
        return Printable.sanitize(s);
    }

    /** Stops the header scan at the first empty line. */
    private static final class EndOfHeaders extends IOException {
        EndOfHeaders() {
            super("end of headers");
        }
    }
}
