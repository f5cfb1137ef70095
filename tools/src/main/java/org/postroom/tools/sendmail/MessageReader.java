package org.postroom.tools.sendmail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.postroom.global.record.RecordType;

/**
 * Turns message text from standard input into content records (sendmail.c {@code enqueue} with
 * {@code rec_streamlf_get}). Lines longer than line_length_limit become {@code L} pieces ending with
 * an {@code N}; trailing CRs are stripped (sendmail_fix_line_endings = always); leading {@code From_}
 * lines are dropped; a final line without a newline is ended with an {@code N}. Handles untrusted input:
 * every line and every header is bounded.
 */
final class MessageReader {
    /** How input ended: at end of file, or at a line with a single dot. */
    enum End { EOF, DOT }

    /** What the input is: sendmail's stdin (with or without the dot rule), or SMTP DATA (dot-stuffed). */
    enum Mode { PLAIN, DOT_ENDS, SMTP }

    /** Receives each content record. */
    @FunctionalInterface
    interface Sink {
        void put(RecordType type, byte[] data, int len) throws IOException, Fatal;
    }

    private final int lineLimit;
    private final int headerLimit;
    private final Mode mode;
    private final HeaderRecipients extract;

    /** {@code extract} is null unless recipients are taken from the headers (-t). */
    MessageReader(int lineLimit, int headerLimit, Mode mode, HeaderRecipients extract) {
        this.lineLimit = lineLimit;
        this.headerLimit = headerLimit;
        this.mode = mode;
        this.extract = extract;
    }

    End copy(InputStream in, Sink sink) throws IOException, Fatal {
        byte[] buf = new byte[lineLimit];
        boolean prevCont = false;
        boolean skipFrom = mode != Mode.SMTP;
        boolean inHeaders = extract != null;
        ByteArrayOutputStream physical = new ByteArrayOutputStream();
        ByteArrayOutputStream logical = new ByteArrayOutputStream();
        End end = End.EOF;
        while (true) {
            int len = 0;
            int c = 0;
            while (len < lineLimit) {
                c = in.read();
                if (c < 0 || c == '\n') break;
                buf[len++] = (byte) c;
            }
            if (c < 0 && len == 0) {
                if (prevCont) {
                    if (inHeaders) inHeaders = headerLine(physical.toByteArray(), logical);
                    sink.put(RecordType.NORM, buf, 0);
                }
                break;
            }
            RecordType type = len < lineLimit ? RecordType.NORM : RecordType.CONT;
            if (skipFrom) {
                if (type == RecordType.NORM && isFrom(buf, len)) {
                    prevCont = false;
                    continue;
                }
                skipFrom = false;
            }
            if (type == RecordType.NORM) while (len > 0 && buf[len - 1] == '\r') len--;
            if (!prevCont && type == RecordType.NORM && len == 1 && buf[0] == '.' && mode != Mode.PLAIN) {
                end = End.DOT;
                break;
            }
            if (mode == Mode.SMTP && !prevCont && len > 0 && buf[0] == '.') {
                System.arraycopy(buf, 1, buf, 0, --len);
            }
            if (inHeaders) {
                physical.write(buf, 0, len);
                if (physical.size() > headerLimit) throw tooLong();
                if (type == RecordType.NORM) {
                    inHeaders = headerLine(physical.toByteArray(), logical);
                    physical.reset();
                }
            }
            sink.put(type, buf, len);
            prevCont = type == RecordType.CONT;
        }
        if (inHeaders) flush(logical);
        return end;
    }

    /** Processes one complete header-section line; returns false when the header section has ended. */
    private boolean headerLine(byte[] line, ByteArrayOutputStream logical) throws Fatal {
        if (line.length > 0 && (line[0] == ' ' || line[0] == '\t') && logical.size() > 0) {
            logical.write('\n');
            logical.write(line, 0, line.length);
            if (logical.size() > headerLimit) throw tooLong();
            return true;
        }
        flush(logical);
        if (line.length == 0 || !HeaderRecipients.isHeader(line, line.length)) return false;
        logical.write(line, 0, line.length);
        return true;
    }

    private void flush(ByteArrayOutputStream logical) {
        if (logical.size() > 0) extract.header(logical.toString(StandardCharsets.UTF_8));
        logical.reset();
    }

    private static Fatal tooLong() {
        return new Fatal("unable to extract recipients: message header length exceeds safety limit");
    }

    /** A leading "From " line, possibly quoted as ">From ", ">>From " (UUCP). */
    private static boolean isFrom(byte[] b, int len) {
        int i = 0;
        while (i < len && b[i] == '>') i++;
        return len - i >= 5 && b[i] == 'F' && b[i + 1] == 'r' && b[i + 2] == 'o' && b[i + 3] == 'm' && b[i + 4] == ' ';
    }
}
