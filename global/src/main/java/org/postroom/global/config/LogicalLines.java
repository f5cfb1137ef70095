package org.postroom.global.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Postfix's logical-line reader (readlline.c), shared by main.cf, master.cf and table sources: a line
 * starting with whitespace continues the previous one; blank and '#' lines are skipped and do not end a
 * logical line. There are no trailing comments.
 */
public final class LogicalLines {
    private LogicalLines() {}

    /** A logical line and the physical line number it started on. */
    public record Line(int number, String text) {}

    /** Splits {@code content}; {@code warn} receives "line N: ..." warnings. */
    public static List<Line> split(String content, java.util.function.Consumer<String> warn) {
        List<Line> out = new ArrayList<>();
        String[] lines = content.split("\n", -1);
        StringBuilder cur = null;
        int curNo = 0;
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i];
            if (raw.endsWith("\r")) raw = raw.substring(0, raw.length() - 1);
            String stripped = raw.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) continue;
            if (Character.isWhitespace(raw.charAt(0))) {
                if (cur == null) {
                    warn.accept("line " + (i + 1) + ": logical line must not start with whitespace");
                    continue;
                }
                cur.append(' ').append(stripped);
                continue;
            }
            if (cur != null) out.add(new Line(curNo, cur.toString().strip()));
            cur = new StringBuilder(raw.stripTrailing());
            curNo = i + 1;
        }
        if (cur != null) out.add(new Line(curNo, cur.toString().strip()));
        return out;
    }
}
