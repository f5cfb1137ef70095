package org.postroom.smtpd;

import java.nio.charset.StandardCharsets;

/**
 * One input line without its terminator, or one piece of a line longer than line_length_limit. The
 * bytes are owned by the line.
 */
record Line(byte[] bytes, End end) {
    /** How the line ended. */
    enum End {
        /** CR LF. */
        CRLF,
        /** A bare LF. */
        LF,
        /** Not ended: the line is longer than the limit and continues in the next piece. */
        MORE,
        /** The input ended (the bytes are what came before, possibly none). */
        EOF
    }

    /** Whether this is the last piece of a line (CRLF or LF). */
    boolean complete() {
        return end == End.CRLF || end == End.LF;
    }

    String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
