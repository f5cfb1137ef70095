package org.postroom.global.table;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Postfix's logical-line reader for table sources (readlline.c), working on bytes. A line that starts
 * with whitespace continues the previous one: the newline is dropped and the whitespace kept. Blank
 * lines and lines whose first non-blank byte is '#' are skipped and do not end a logical line. Leading
 * text that starts with whitespace draws {@code FILE: logical line must not start with whitespace: "..."}
 * and is skipped. Whitespace is C's isspace(): space, \t, \n, \v, \f, \r.
 */
public final class SourceLines {
    private SourceLines() {}

    /** One logical line: the physical line it starts on, and its bytes. */
    public record Line(int number, byte[] bytes) {
        /** The text as UTF-8 (malformed bytes become U+FFFD). */
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /**
     * The common case quickly: a text line followed by another text line (or the end) is a logical line
     * on its own. Returns null when the general reader is needed.
     */
    private static byte[] single(byte[] d, int[] pos, int[] lineno, int[] first) {
        int p = pos[0];
        if (p >= d.length || isSpace(d[p] & 0xff) || d[p] == '#') return null;
        int end = p;
        while (end < d.length && d[end] != '\n') end++;
        int next = end + 1;
        if (next < d.length && (d[next] == '#' || isSpace(d[next] & 0xff))) return null;
        first[0] = lineno[0] + 1;
        if (end < d.length) lineno[0]++;
        pos[0] = Math.min(next, d.length);
        return java.util.Arrays.copyOfRange(d, p, end);
    }

    public static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** Splits {@code data}; {@code path} names the source in warnings. */
    public static List<Line> split(byte[] data, String path, Consumer<String> warn) {
        List<Line> out = new ArrayList<>();
        forEach(data, path, warn, out::add);
        return out;
    }

    /** Hands each logical line to {@code sink} as it is read (warnings stay in line order). */
    public static void forEach(byte[] data, String path, Consumer<String> warn, Consumer<Line> sink) {
        Reader r = new Reader(data, path, warn);
        for (Line l = r.next(); l != null; l = r.next()) sink.accept(l);
    }

    /** Reads logical lines one at a time; a warning is given when its line is reached. */
    public static final class Reader {
        private final byte[] data;
        private final String path;
        private final Consumer<String> warn;
        private final int[] pos = {0};
        private final int[] lineno = {0};

        public Reader(byte[] data, String path, Consumer<String> warn) {
            this.data = data;
            this.path = path;
            this.warn = warn;
        }

        /** The next logical line, or null at the end. */
        public Line next() {
            for (;;) {
                int[] first = {0};
                byte[] line = readLogical(data, pos, lineno, first);
                if (line == null) return null;
                if (isSpace(line[0] & 0xff)) {
                    String shown = Bytes.printable(line, Math.min(30, line.length));
                    warn.accept(path + ": logical line must not start with whitespace: \"" + shown
                            + (line.length > 30 ? "...\"" : "\""));
                    continue;
                }
                return new Line(first[0], line);
            }
        }
    }

    private static byte[] readLogical(byte[] d, int[] pos, int[] lineno, int[] first) {
        byte[] single = single(d, pos, lineno, first);
        if (single != null) return single;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int p = pos[0];
        if (p >= d.length) return null;
        for (;;) {
            int start = p;
            int physical = lineno[0] + 1;
            while (p < d.length && d[p] != '\n') p++;
            int end = p;
            boolean eof = p >= d.length;
            if (!eof) {
                p++;
                lineno[0]++;
            }
            int q = start;
            while (q < end && isSpace(d[q] & 0xff)) q++;
            if (q < end && d[q] != '#') {
                if (buf.size() == 0) first[0] = physical;
                buf.write(d, start, end - start);
            }
            if (eof) break;
            if (buf.size() > 0) {
                int next = p < d.length ? d[p] & 0xff : -1;
                if (next != '#' && !isSpace(next)) break;
            }
        }
        pos[0] = p;
        return buf.size() == 0 ? null : buf.toByteArray();
    }
}
