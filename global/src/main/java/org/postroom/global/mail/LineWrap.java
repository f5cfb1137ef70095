package org.postroom.global.mail;

import java.io.IOException;

/**
 * line_wrap.c: a line is broken before the word that would take it past {@code length} bytes, blanks at
 * the break are dropped, and the continuation lines are indented by {@code indent} and so that much
 * shorter. A word longer than a line stays whole. Only space and tab separate words; lengths count
 * bytes, as Postfix counts chars.
 */
public final class LineWrap {
    private LineWrap() {}

    /** Receives each piece with the indent that goes before it (line_wrap's output_fn). */
    @FunctionalInterface
    public interface Output {
        void line(byte[] text, int off, int len, int indent) throws IOException;
    }

    public static void wrap(byte[] s, int length, int indent, Output out) throws IOException {
        int currIndent = 0;
        int width = length;
        if (indent < 0) {
            currIndent = -indent;
            width = length + indent;
        }
        int start = 0;
        int word = 0;
        while (true) {
            int space = word;
            while (space < s.length && s[space] != ' ' && s[space] != '\t') space++;
            if (word > start && space - start > width) {
                int len = word - start;
                while (len > 0 && isSpace(s[start + len - 1])) len--;
                out.line(s, start, len, currIndent);
                while (word < s.length && isSpace(s[word])) word++;
                if (start == 0) {
                    currIndent += indent;
                    width -= indent;
                }
                start = word;
            }
            if (space >= s.length) break;
            word = space + 1;
        }
        int len = s.length - start;
        while (len > 0 && isSpace(s[start + len - 1])) len--;
        out.line(s, start, len, currIndent);
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
    }
}
