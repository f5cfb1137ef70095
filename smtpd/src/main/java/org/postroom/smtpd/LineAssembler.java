package org.postroom.smtpd;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Cuts a byte stream into lines (smtp_get): LF ends a line, and one CR right before it is part of the
 * terminator; any other CR is data (3.9+: extra CRs are not stripped). A line longer than the limit is
 * returned in pieces of exactly {@code limit} bytes marked {@link Line.End#MORE}. The limit can change
 * between lines (an AUTH response may be longer than a command).
 */
final class LineAssembler {
    private int limit;
    private byte[] buf;
    private int len;
    private boolean pendingCr;
    private final ArrayDeque<Line> ready = new ArrayDeque<>();

    LineAssembler(int limit) {
        if (limit < 1) throw new IllegalArgumentException("line length limit must be positive");
        this.limit = limit;
        this.buf = new byte[Math.min(limit, 8192)];
    }

    /** The limit for the lines from now on; only between lines. */
    void limit(int limit) {
        if (limit < 1) throw new IllegalArgumentException("line length limit must be positive");
        if (holdsPartial()) throw new IllegalStateException("limit changed inside a line");
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    /** Feeds one byte; returns true when at least one line or piece is ready for {@link #take()}. */
    boolean push(int b) {
        if (b == '\n') {
            ready.add(new Line(Arrays.copyOf(buf, len), pendingCr ? Line.End.CRLF : Line.End.LF));
            len = 0;
            pendingCr = false;
        } else if (b == '\r') {
            if (pendingCr) append('\r');
            pendingCr = true;
        } else {
            if (pendingCr) append('\r');
            pendingCr = false;
            append(b);
        }
        return !ready.isEmpty();
    }

    /** Feeds a byte range, as from a BDAT chunk. */
    void push(byte[] data, int off, int n) {
        for (int i = off; i < off + n; i++) push(data[i] & 0xff);
    }

    private void append(int b) {
        if (len == limit) {
            ready.add(new Line(Arrays.copyOf(buf, len), Line.End.MORE));
            len = 0;
        }
        if (len == buf.length) buf = Arrays.copyOf(buf, Math.min(limit, 2 * buf.length));
        buf[len++] = (byte) b;
    }

    boolean hasLine() {
        return !ready.isEmpty();
    }

    /** The oldest ready line; only call when {@link #hasLine()}. */
    Line take() {
        Line l = ready.poll();
        if (l == null) throw new IllegalStateException("no line ready");
        return l;
    }

    /** Whether unterminated text is held (a partial line). */
    boolean holdsPartial() {
        return len > 0 || pendingCr;
    }

    /** Ends the input: the unterminated rest, possibly empty, as an {@link Line.End#EOF} line. */
    Line finish() {
        if (pendingCr) append('\r');
        pendingCr = false;
        Line l = new Line(Arrays.copyOf(buf, len), Line.End.EOF);
        len = 0;
        return l;
    }
}
