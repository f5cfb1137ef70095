package org.postroom.bounce;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.postroom.global.record.QueueFile.LineSink;

/**
 * line_wrap.c as bounce_print_wrap uses it ({@link org.postroom.global.mail.LineWrap} at 79 bytes): a line
 * is broken before the word that would take it past 79 bytes (lengths count UTF-8 bytes, as Postfix
 * counts chars), blanks at the break are dropped, and the continuation lines are indented 4 spaces and so
 * 4 bytes shorter. A word longer than a line stays whole. Only space and tab separate words.
 */
final class LineWrap {
    static final int LENGTH = 79;
    static final int INDENT = 4;

    private LineWrap() {}

    static void wrap(String text, LineSink out) throws IOException {
        org.postroom.global.mail.LineWrap.wrap(text.getBytes(StandardCharsets.UTF_8), LENGTH, INDENT, (s, off, len, indent) -> {
            byte[] line = new byte[indent + len];
            java.util.Arrays.fill(line, 0, indent, (byte) ' ');
            System.arraycopy(s, off, line, indent, len);
            out.line(line, 0, line.length);
        });
    }
}
