package org.postroom.global.table;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The postmap(1) source format ("key whitespace value" logical lines), as postmap.c and dict_thash.c
 * parse it. A key may hold whitespace inside double quotes and is kept in its quoted form; the value is
 * trimmed. Problems are warned about with Postfix's exact wording and the line is skipped.
 */
public final class KeyValueSource {
    private KeyValueSource() {}

    /** One usable source entry; {@code line} is the physical line number where it starts. */
    public record Entry(int line, String key, String value) {}

    /**
     * Parses {@code data}. {@code textHash} selects texthash's wording, which adds "-- ignoring this line"
     * to the format warning.
     */
    public static List<Entry> parse(byte[] data, String path, TableOptions opt, boolean textHash) {
        List<Entry> out = new ArrayList<>();
        parse(data, path, opt, textHash, out::add);
        return out;
    }

    /**
     * Parses {@code data}, handing each entry to {@code sink} as soon as its line is read, so that the
     * sink's own warnings (duplicates) come out in line order with the parser's.
     */
    public static void parse(byte[] data, String path, TableOptions opt, boolean textHash, Consumer<Entry> sink) {
        SourceLines.forEach(data, path, opt.warn(), l -> {
            Entry e = entry(l, path, opt, textHash);
            if (e != null) sink.accept(e);
        });
    }

    static Entry entry(SourceLines.Line l, String path, TableOptions opt, boolean textHash) {
        byte[] b = l.bytes();
        String where = path + ", line " + l.number() + ": ";
        if (opt.utf8() && !Bytes.isUtf8(b)) {
            opt.warn().accept(where + "non-UTF-8 input \"" + Bytes.printable(b, b.length) + "\" -- ignoring this line");
            return null;
        }
        boolean inQuotes = false;
        int v = 0;
        for (; v < b.length; v++) {
            int c = b[v] & 0xff;
            if (c == '\\') {
                if (++v >= b.length) break;
            } else if (SourceLines.isSpace(c)) {
                if (!inQuotes) break;
            } else if (c == '"') {
                inQuotes = !inQuotes;
            }
        }
        if (inQuotes) {
            opt.warn().accept(where + "unbalanced '\"' in '" + Bytes.printable(b, b.length) + "' -- ignoring this line");
            return null;
        }
        int keyEnd = Math.min(v, b.length);
        int vs = keyEnd < b.length ? keyEnd + 1 : keyEnd;
        while (vs < b.length && SourceLines.isSpace(b[vs] & 0xff)) vs++;
        int ve = b.length;
        while (ve > vs && SourceLines.isSpace(b[ve - 1] & 0xff)) ve--;
        String key = new String(b, 0, keyEnd, StandardCharsets.UTF_8);
        String value = new String(Arrays.copyOfRange(b, vs, ve), StandardCharsets.UTF_8);
        if (key.isEmpty() || value.isEmpty()) {
            opt.warn().accept(where + "expected format: key whitespace value" + (textHash ? " -- ignoring this line" : ""));
            return null;
        }
        if (key.endsWith(":")) {
            opt.warn().accept(where + "record is in \"key: value\" format; is this an alias file?");
        }
        return new Entry(l.number(), key, value);
    }
}
