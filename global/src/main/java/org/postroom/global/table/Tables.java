package org.postroom.global.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.LogicalLines;

/**
 * Opens "type:name" tables (dict_open.c). Unknown types and malformed sources are configuration errors
 * ({@link ConfigException}); a table whose file is missing throws {@link TableException} so that a daemon
 * defers instead of bouncing (a tool turns it into a fatal error).
 */
public final class Tables {
    private Tables() {}

    /** Opens one table. */
    public static Table open(String spec) throws TableException {
        int colon = spec.indexOf(':');
        if (colon <= 0) throw new ConfigException("bad table syntax: \"" + spec + "\" (need type:name)");
        String type = spec.substring(0, colon).toLowerCase(Locale.ROOT);
        String name = spec.substring(colon + 1);
        return switch (type) {
            case "inline" -> inline(spec, name);
            case "static" -> new Fixed(spec, Optional.of(stripBraces(name)));
            case "fail" -> new Failing(spec);
            case "texthash" -> textHash(spec, Path.of(name));
            default -> throw new ConfigException("unsupported dictionary type: " + type);
        };
    }

    /** The open tables of a list parameter, in order (maps.c). */
    public static List<Table> openAll(List<String> specs) throws TableException {
        java.util.ArrayList<Table> out = new java.util.ArrayList<>();
        for (String s : specs) out.add(open(s));
        return out;
    }

    /** First table that has {@code key} wins; a temporary failure in any earlier table is thrown. */
    public static Optional<String> find(List<Table> tables, String key) throws TableException {
        for (Table t : tables) {
            Optional<String> v = t.lookup(key);
            if (v.isPresent()) return v;
        }
        return Optional.empty();
    }

    static String stripBraces(String s) {
        String t = s.strip();
        if (t.startsWith("{") && t.endsWith("}")) return t.substring(1, t.length() - 1).strip();
        return t;
    }

    /** inline:{ key=value, { key = text with spaces } } */
    private static Table inline(String spec, String body) {
        String t = body.strip();
        if (!t.startsWith("{") || !t.endsWith("}")) throw new ConfigException(spec + ": need \"inline:{ key=value, ... }\"");
        Map<String, String> m = new HashMap<>();
        for (String item : splitInline(t.substring(1, t.length() - 1))) {
            String kv = stripBraces(item);
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new ConfigException(spec + ": missing '=' after \"" + kv + "\"");
            m.putIfAbsent(kv.substring(0, eq).strip().toLowerCase(Locale.ROOT), kv.substring(eq + 1).strip());
        }
        return new Memory(spec, m);
    }

    private static List<String> splitInline(String s) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        int level = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '{') level++;
            if (c == '}') level--;
            if ((c == ',' || Character.isWhitespace(c)) && level == 0) {
                if (!cur.toString().isBlank()) out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.toString().isBlank()) out.add(cur.toString());
        return out;
    }

    /** texthash: postmap(1) source format read into memory; first duplicate wins. */
    private static Table textHash(String spec, Path file) throws TableException {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TableException(spec + ": cannot open " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> m = new HashMap<>();
        for (LogicalLines.Line l : LogicalLines.split(content, w -> {})) {
            String text = l.text();
            int sp = 0;
            while (sp < text.length() && !Character.isWhitespace(text.charAt(sp))) sp++;
            m.putIfAbsent(text.substring(0, sp).toLowerCase(Locale.ROOT), text.substring(sp).strip());
        }
        return new Memory(spec, m);
    }

    /** An in-memory table with lower-cased keys. */
    record Memory(String spec, Map<String, String> map) implements Table {
        @Override
        public Optional<String> lookup(String key) {
            return Optional.ofNullable(map.get(key.toLowerCase(Locale.ROOT)));
        }
    }

    /** static:value answers every key with value. */
    record Fixed(String spec, Optional<String> value) implements Table {
        @Override
        public Optional<String> lookup(String key) {
            return value;
        }
    }

    /** fail:name fails every lookup temporarily. */
    record Failing(String spec) implements Table {
        @Override
        public Optional<String> lookup(String key) throws TableException {
            throw new TableException(spec + ": table lookup failed");
        }
    }
}
