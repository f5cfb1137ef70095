package org.postroom.bounce;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.postroom.global.record.QueueFile.LineSink;

/**
 * line_wrap.c as bounce_print_wrap uses it: a line is broken before the word that would take it past 79
 * bytes (lengths count UTF-8 bytes, as Postfix counts chars), blanks at the break are dropped, and the
 * continuation lines are indented 4 spaces and so 4 bytes shorter. A word longer than a line stays whole.
 * Only space and tab separate words.
 */
final class LineWrap {
    static final int LENGTH = 79;
    static final int INDENT = 4;

    private LineWrap() {}

    static void wrap(String text, LineSink out) throws IOException {
        byte[] s = text.getBytes(StandardCharsets.UTF_8);
        int indent = 0;
        int width = LENGTH;
        int start = 0;
        int word = 0;
        while (true) {
            int space = word;
            while (space < s.length && s[space] != ' ' && s[space] != '\t') space++;
            if (word > start && space - start > width) {
                int len = word - start;
                while (len > 0 && isSpace(s[start + len - 1])) len--;
                emit(s, start, len, indent, out);
                while (word < s.length && isSpace(s[word])) word++;
                if (start == 0) {
                    indent += INDENT;
                    width -= INDENT;
                }
                start = word;
            }
            if (space >= s.length) break;
            word = space + 1;
        }
        int len = s.length - start;
        while (len > 0 && isSpace(s[start + len - 1])) len--;
        emit(s, start, len, indent, out);
    }

    private static void emit(byte[] s, int off, int len, int indent, LineSink out) throws IOException {
        byte[] line = new byte[indent + len];
        java.util.Arrays.fill(line, 0, indent, (byte) ' ');
        System.arraycopy(s, off, line, indent, len);
        out.line(line, 0, line.length);
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
    }
}
