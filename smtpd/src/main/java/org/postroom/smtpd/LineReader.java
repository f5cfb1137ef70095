package org.postroom.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The only reader of the client's bytes (smtp_get, vstream): lines bounded by line_length_limit, raw
 * octets for BDAT, and a peek at unread input for the pipelining check. Before a read that may block,
 * the hook runs, so that pending replies are flushed exactly when no input is waiting.
 */
final class LineReader {
    /** Called before each read from the stream; {@code willBlock} when nothing is waiting. */
    interface Hook {
        void beforeRead(boolean willBlock) throws IOException;
    }

    /** Bytes that can be read without blocking (Connection.available()). */
    interface Available {
        int available() throws IOException;
    }

    private final InputStream in;
    private final Available available;
    private final LineAssembler lines;
    private final Hook hook;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int end;
    private boolean eof;

    LineReader(InputStream in, Available available, int limit, Hook hook) {
        this.in = in;
        this.available = available;
        this.lines = new LineAssembler(limit);
        this.hook = hook;
    }

    /** The next line or piece; {@link Line.End#EOF} when the input ends. */
    Line next() throws IOException {
        while (!lines.hasLine()) {
            if (pos == end && !fill()) return lines.finish();
            lines.push(buf[pos++] & 0xff);
        }
        return lines.take();
    }

    /** The line length limit from the next line on (line_length_limit, or smtpd_sasl_response_limit). */
    void limit(int limit) {
        lines.limit(limit);
    }

    int limit() {
        return lines.limit();
    }

    /** Discards the rest of an over-long line; returns false when the input ended first. */
    boolean skipRestOfLine() throws IOException {
        while (true) {
            Line l = next();
            if (l.end() == Line.End.EOF) return false;
            if (l.complete()) return true;
        }
    }

    /** Up to {@code max} raw octets (at least one, blocking); -1 at end of input. */
    int readRaw(byte[] dst, int off, int max) throws IOException {
        if (lines.holdsPartial() || lines.hasLine()) throw new IllegalStateException("raw read inside a line");
        if (pos == end && !fill()) return -1;
        int n = Math.min(max, end - pos);
        System.arraycopy(buf, pos, dst, off, n);
        pos += n;
        return n;
    }

    /** Bytes received but not yet read, without blocking: the pipelining check (vstream_peek). */
    int pending() throws IOException {
        return (end - pos) + (eof ? 0 : Math.max(0, available.available()));
    }

    /** Up to {@code max} unread bytes, for logging; fills without blocking when data is waiting. */
    byte[] peek(int max) throws IOException {
        if (pos == end && !eof && available.available() > 0) fill();
        return Arrays.copyOfRange(buf, pos, pos + Math.min(max, end - pos));
    }

    private boolean fill() throws IOException {
        if (eof) return false;
        hook.beforeRead(available.available() <= 0);
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }
}
