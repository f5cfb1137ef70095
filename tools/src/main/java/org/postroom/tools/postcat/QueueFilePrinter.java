package org.postroom.tools.postcat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.postroom.global.record.Record;
import org.postroom.global.record.RecordReader;
import org.postroom.global.record.RecordType;
import org.postroom.tools.common.Fatal;
import org.postroom.tools.common.ToolLog;

/**
 * postcat's state machine (postcat.c): envelope records with their names, the message header and
 * body, and the section markers {@code *** ENVELOPE RECORDS path ***}, {@code *** MESSAGE CONTENTS ***},
 * {@code *** HEADER EXTRACTED ***} and {@code *** MESSAGE FILE END ***} (markers only with -e). The
 * body starts at the first content line that is neither a header nor a header continuation.
 */
final class QueueFilePrinter {
    static final int ENV = 1, HEADER = 2, BODY = 4, OFFSET = 8, DECIMAL = 16, RAW = 32;
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

    private final OutputStream out;
    private final int flags;
    private final boolean verbose;
    private final ZoneId zone;

    QueueFilePrinter(OutputStream out, int flags, boolean verbose, ZoneId zone) {
        this.out = out;
        this.flags = flags;
        this.verbose = verbose;
        this.zone = zone;
    }

    private enum State { ENV, HEADER, BODY }

    /** Prints one queue file read from {@code in}; {@code path} is how it is named in the markers. */
    void print(InputStream in, String path, long start) throws IOException {
        java.io.PushbackInputStream pin = new java.io.PushbackInputStream(in, 1);
        if (start > 0) pin.skipNBytes(start);
        int first = pin.read();
        if (first < 0) return;
        if (start == 0 && !RecordNames.envelope(first)) {
            ToolLog.warn(path + ": input is not a valid queue file");
            return;
        }
        pin.unread(first);
        RecordReader r = new RecordReader(pin, start);
        if (start == 0 && (flags & ENV) != 0) text("*** ENVELOPE RECORDS " + path + " ***\n");
        State state = State.ENV;
        boolean doPrint = (flags & ENV) != 0;
        int prev = 0;
        while (true) {
            long offset = r.offset();
            Record rec = r.next(0);
            if (rec == null) break;
            int type = rec.type().code;
            if (type == 'N' || type == 'L' && state != State.ENV) {
                if (state == State.HEADER && (flags & (HEADER | BODY)) != 0 && prev != 'L'
                        && !(isHeader(rec.data()) || rec.data().length > 0 && (rec.data()[0] == ' ' || rec.data()[0] == '\t'))) {
                    state = State.BODY;
                    doPrint = (flags & BODY) != 0;
                    if (!doPrint && (flags & ENV) == 0) break;
                }
            } else if (type == 'M') {
                if ((flags & ENV) != 0) marker(offset, type, "MESSAGE CONTENTS", path);
                state = State.HEADER;
                doPrint = (flags & HEADER) != 0;
                continue;
            } else if (type == 'X') {
                if (doPrint && prev == 'L') out.write('\n');
                if ((flags & ENV) != 0) marker(offset, type, "HEADER EXTRACTED", path);
                state = State.ENV;
                doPrint = (flags & ENV) != 0;
                if (!doPrint) break;
                continue;
            } else if (type == 'E') {
                if ((flags & ENV) != 0) marker(offset, type, "MESSAGE FILE END", path);
                if ((flags & RAW) != 0) continue;
                break;
            } else if (type == 'C') {
                if (doPrint) record(offset, type, RecordNames.of(type) + ": " + rec.text() + "\n");
                continue;
            }
            if (!doPrint) continue;
            prefix(offset, type);
            switch (rec.type()) {
                case TIME -> text(RecordNames.of(type) + ": " + asctime(leadingNumber(rec.text())) + "\n");
                case WARN -> text(RecordNames.of(type) + ": " + asctime(leadingNumber(rec.text())) + "\n");
                case CONT -> {
                    if (state == State.ENV) text(RecordNames.of(type) + ": ");
                    else if (verbose) text("unterminated_text: ");
                    out.write(rec.data());
                    if (state == State.ENV || verbose || (flags & OFFSET) != 0) {
                        type = 0;
                        out.write('\n');
                    }
                }
                case NORM -> {
                    if (verbose) text(RecordNames.of(type) + ": ");
                    out.write(rec.data());
                    out.write('\n');
                }
                case DTXT -> {
                    text(RecordNames.of(type) + ": ");
                    out.write(rec.data());
                    out.write('\n');
                }
                case ATTR -> {
                    String a = rec.text();
                    int eq = a.indexOf('=');
                    if (eq <= 0) {
                        ToolLog.warn(path + ": malformed attribute: missing attribute name: " + a.substring(0, Math.min(100, a.length())));
                    } else if (a.startsWith("create_time=")) {
                        text("create_time: " + asctime(leadingNumber(a.substring(eq + 1))) + "\n");
                    } else {
                        text(RecordNames.of(type) + ": " + a.substring(0, eq).strip() + "=" + a.substring(eq + 1).strip() + "\n");
                    }
                }
                default -> text(RecordNames.of(type) + ": " + rec.text() + "\n");
            }
            prev = type;
        }
        out.flush();
    }

    private void marker(long offset, int type, String what, String path) throws IOException {
        prefix(offset, type);
        text("*** " + what + " " + path + " ***\n");
    }

    private void record(long offset, int type, String line) throws IOException {
        prefix(offset, type);
        text(line);
    }

    private void prefix(long offset, int type) throws IOException {
        if ((flags & OFFSET) != 0) text(String.format("%9d ", offset));
        if ((flags & DECIMAL) != 0) text(String.format("%3d ", type));
    }

    private void text(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    private String asctime(long seconds) {
        return ASCTIME.format(Instant.ofEpochSecond(seconds).atZone(zone));
    }

    private static long leadingNumber(String s) {
        String t = s.strip();
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || i == 0 && t.charAt(i) == '-')) i++;
        try {
            return Long.parseLong(t.substring(0, i));
        } catch (NumberFormatException e) {
            throw new Fatal("bad time value: " + s);
        }
    }

    /** is_header(): a field name of printable non-space characters, optional blanks, then ':'. */
    static boolean isHeader(byte[] line) {
        int i = 0;
        while (i < line.length && line[i] > ' ' && line[i] < 127 && line[i] != ':') i++;
        if (i == 0) return false;
        while (i < line.length && (line[i] == ' ' || line[i] == '\t')) i++;
        return i < line.length && line[i] == ':';
    }
}
