package org.postroom.bounce;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;
import org.postroom.global.record.QueueFile.LineSink;
import org.postroom.global.record.Record;
import org.postroom.global.record.RecordException;
import org.postroom.global.record.RecordReader;
import org.postroom.global.record.RecordType;

/**
 * The message a notice is about, as bounce_mail_alloc() reads it from its queue file: the envelope (sender,
 * arrival time, size, and the DSN and SMTPUTF8 attributes qmgr would pass along) is read when opened; the
 * content is read only when a notice returns it, a line at a time from the file, so a large message is
 * never held in memory. A file that is gone gives an unavailable original, and a damaged one gives what
 * could be read: a notice is a best effort, as in Postfix.
 */
public final class Original {
    /** ret_flags values (dsn_ret.h). */
    public static final int RET_FULL = 1, RET_HDRS = 2;

    private final String queueId;
    private final Path file;
    private final int maxRecord;
    private final String sender;
    private final long arrivalTime;
    private final long messageSize;
    private final long dataOffset;
    private final String encoding;
    private final int sendopts;
    private final String envelopeId;
    private final int dsnRet;

    private Original(String queueId, Path file, int maxRecord, String sender, long arrivalTime, long messageSize, long dataOffset,
                     String encoding, int sendopts, String envelopeId, int dsnRet) {
        this.queueId = queueId;
        this.file = file;
        this.maxRecord = maxRecord;
        this.sender = sender;
        this.arrivalTime = arrivalTime;
        this.messageSize = messageSize;
        this.dataOffset = dataOffset;
        this.encoding = encoding;
        this.sendopts = sendopts;
        this.envelopeId = envelopeId;
        this.dsnRet = dsnRet;
    }

    /** An original whose queue file could not be found: the notice says so instead of returning it. */
    public static Original unavailable(String queueId) {
        return new Original(queueId, null, 0, null, 0, 0, 0, "", 0, "", 0);
    }

    /**
     * Reads the envelope of {@code queueFile} up to the start of the content, with records of at most
     * {@code maxRecord} bytes (0: no limit). A missing file gives {@link #unavailable}; a malformed
     * envelope gives what came before the damage.
     */
    public static Original open(Path queueFile, String queueId, int maxRecord) throws IOException {
        String sender = null, encoding = "", envid = "";
        long arrival = 0, size = 0, offset = 0;
        int sendopts = 0, ret = 0;
        try (FileChannel ch = FileChannel.open(queueFile, StandardOpenOption.READ)) {
            RecordReader r = new RecordReader(new BufferedInputStream(Channels.newInputStream(ch), 8192));
            for (Record rec; (rec = r.next(maxRecord)) != null; ) {
                String t = rec.text();
                switch (rec.type()) {
                    case SIZE -> {
                        String[] f = t.strip().split("\\s+");
                        if (size == 0 && f.length >= 2) {
                            size = Math.max(0, number(f[0]));
                            offset = Math.max(0, number(f[1]));
                            if (f.length >= 6) sendopts = (int) Math.max(0, number(f[5]));
                        }
                    }
                    case TIME -> {
                        if (arrival == 0) arrival = Math.max(0, number(t.strip().split(" ")[0]));
                    }
                    case FROM -> sender = t;
                    case ATTR -> {
                        if (t.startsWith("encoding=")) encoding = t.substring(9);
                        else if (t.startsWith("envelope_id=")) envid = t.substring(12);
                        else if (t.startsWith("ret_flags=")) ret = (int) Math.max(0, number(t.substring(10)));
                    }
                    case MESG -> {
                        if (offset == 0) offset = r.offset();
                        return new Original(queueId, queueFile, maxRecord, sender, arrival, size, offset, encoding, sendopts, envid, ret);
                    }
                    default -> { }
                }
            }
        } catch (NoSuchFileException e) {
            return unavailable(queueId);
        } catch (RecordException e) {
            // a damaged envelope: send what we have
        }
        return new Original(queueId, queueFile, maxRecord, sender, arrival, size, 0, encoding, sendopts, envid, ret);
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public String queueId() {
        return queueId;
    }

    /** Whether the queue file was there. */
    public boolean available() {
        return file != null;
    }

    /** The envelope sender, "" for the null sender, empty when the envelope had none. */
    public Optional<String> sender() {
        return Optional.ofNullable(sender);
    }

    /** Arrival time in epoch seconds, 0 when unknown. */
    public long arrivalTime() {
        return arrivalTime;
    }

    /** The content length of the size record (the raw records between M and X), 0 when unknown. */
    public long messageSize() {
        return messageSize;
    }

    /** Whether the content can be returned: the file is there and its content was found. */
    public boolean hasContent() {
        return file != null && dataOffset > 0;
    }

    /** The "encoding" attribute: "7bit", "8bit", or "" when none was given. */
    public String encoding() {
        return encoding;
    }

    /** The SMTPUTF8 bits of the size record (sendopts.h). */
    public int sendopts() {
        return sendopts;
    }

    /** The DSN ENVID, "" when none. */
    public String envelopeId() {
        return envelopeId;
    }

    /** The DSN RET: {@link #RET_FULL}, {@link #RET_HDRS}, or 0 when none was given. */
    public int dsnRet() {
        return dsnRet;
    }

    /**
     * Streams the content lines (CONT pieces joined) to {@code sink}, without their newline: all of them,
     * or with {@code headersOnly} those up to the first line that is neither a header nor a header
     * continuation. At most {@code maxBytes} bytes of lines are passed on (0: no limit); the line that
     * would exceed it, and everything after it, is left out. A damaged record ends the copy.
     */
    public void copy(boolean headersOnly, long maxBytes, LineSink sink) throws IOException {
        if (!hasContent()) return;
        long budget = maxBytes > 0 ? maxBytes : Long.MAX_VALUE;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(dataOffset);
            RecordReader r = new RecordReader(new BufferedInputStream(Channels.newInputStream(ch), 65536), dataOffset);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (Record rec; (rec = r.next(maxRecord)) != null; ) {
                RecordType type = rec.type();
                if (type == RecordType.DTXT) continue;
                if (type != RecordType.NORM && type != RecordType.CONT) return;
                if (line.size() + (long) rec.data().length > budget) return;
                line.write(rec.data());
                if (type == RecordType.CONT) continue;
                byte[] b = line.toByteArray();
                line.reset();
                if (headersOnly && !isHeader(b)) return;
                budget -= b.length;
                sink.line(b, 0, b.length);
            }
        } catch (NoSuchFileException | RecordException e) {
            // gone or damaged since the envelope was read: the copy ends here
        }
    }

    /** The first Message-ID header of the content, for threaded bounces; empty when there is none. */
    public Optional<String> messageId(long maxBytes) throws IOException {
        String[] id = {null};
        copy(true, maxBytes, (b, off, len) -> {
            if (id[0] != null) return;
            String l = new String(b, off, len, StandardCharsets.UTF_8);
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals("message-id")) {
                String v = l.substring(colon + 1).strip();
                if (v.startsWith("<") && v.endsWith(">")) id[0] = v;
            }
        });
        return Optional.ofNullable(id[0]);
    }

    /** IS_HEADER of bounce_original(): a continuation (starts with a blank) or "label:" (is_header.c). */
    static boolean isHeader(byte[] b) {
        if (b.length > 0 && (b[0] == ' ' || b[0] == '\t')) return true;
        int len = 0;
        boolean space = false;
        for (byte x : b) {
            int c = x & 0xff;
            if (c == ':') return len > 0;
            if (c == ' ' || c == '\t') {
                if (len == 0) return false;
                space = true;
            } else if (c >= 0x80 || c < 0x20 || c == 0x7f || space) {
                return false;
            } else {
                len++;
            }
        }
        return false;
    }
}
