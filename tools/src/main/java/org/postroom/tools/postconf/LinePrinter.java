package org.postroom.tools.postconf;

import java.io.PrintStream;

/**
 * pcf_print_line(): prints text with its whitespace normalised to single spaces and, with -f, folded
 * before a word that would reach column 80, continuation lines indented by four spaces.
 */
final class LinePrinter {
    static final int LINE_LIMIT = 80;
    static final String INDENT = "    ";

    private LinePrinter() {}

    static void print(PrintStream out, boolean fold, String text) {
        out.print(format(fold, text));
    }

    static String format(boolean fold, String text) {
        StringBuilder b = new StringBuilder(text.length() + 8);
        int lineLen = 0;
        int i = 0, n = text.length();
        while (true) {
            while (i < n && isSep(text.charAt(i))) i++;
            if (i >= n) break;
            int j = i;
            while (j < n && !isSep(text.charAt(j))) j++;
            int wordLen = j - i;
            if (lineLen > 0) {
                if (!fold || lineLen + wordLen < LINE_LIMIT) {
                    b.append(' ');
                    lineLen++;
                } else {
                    b.append('\n').append(INDENT);
                    lineLen = INDENT.length();
                }
            }
            b.append(text, i, j);
            lineLen += wordLen;
            i = j;
        }
        return b.append('\n').toString();
    }

    private static boolean isSep(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
