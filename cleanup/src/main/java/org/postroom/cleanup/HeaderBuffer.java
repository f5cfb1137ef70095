package org.postroom.cleanup;

import java.util.Arrays;

/**
 * The one logical header being collected (mime_state.c output_buffer): its physical lines joined by
 * LF, as raw bytes. Memory is bounded by header_size_limit, never by what the client sends: text that
 * arrives while the buffer already holds header_size_limit bytes or more is discarded, so an oversized
 * header is truncated and stays a header, as in Postfix. Like Postfix the test is made before each
 * append, so a header may end up to one record (line_length_limit) longer than the limit.
 */
final class HeaderBuffer {
    private static final byte[] LF = {'\n'};

    private final int limit;
    private byte[] buf = new byte[256];
    private int len;

    HeaderBuffer(int limit) {
        this.limit = Math.max(limit, 1);
    }

    boolean isEmpty() {
        return len == 0;
    }

    /**
     * Starts a header with its first line; {@code nameLength} is is_header_buf()'s result. White space
     * between the name and the colon is removed (the obsolete "name : value" form becomes "name: value").
     */
    void start(byte[] line, int nameLength) {
        len = 0;
        append(line, 0, nameLength);
        int i = nameLength;
        while (i < line.length && (line[i] == ' ' || line[i] == '\t')) i++;
        append(line, i, line.length - i);
    }

    /** The rest of a physical line whose first part was a CONT record. */
    void appendPiece(byte[] piece) {
        if (len >= limit) return;
        append(piece, 0, piece.length);
    }

    /** A continuation line (one that starts with a space or tab). */
    void appendLine(byte[] line) {
        if (len >= limit) return;
        append(LF, 0, 1);
        append(line, 0, line.length);
    }

    byte[] bytes() {
        return Arrays.copyOf(buf, len);
    }

    void clear() {
        len = 0;
        if (buf.length > 65536) buf = new byte[256];
    }

    private void append(byte[] b, int off, int n) {
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    /**
     * is_header_buf(): the length of the header name when {@code line} starts a header (printable
     * ASCII name, optional spaces or tabs, then a colon), else 0.
     */
    static int nameLength(byte[] line) {
        int nameLen = 0;
        boolean space = false;
        for (byte x : line) {
            int c = x & 0xff;
            if (c == ':') return nameLen;
            if (c == ' ' || c == '\t') {
                if (nameLen == 0) return 0;
                space = true;
                continue;
            }
            if (c == 0 || c >= 0x80 || c < 0x20 || c == 0x7f || space) return 0;
            nameLen++;
        }
        return 0;
    }
}
