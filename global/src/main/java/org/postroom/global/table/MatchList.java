package org.postroom.global.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.Param;

/**
 * The items of a match list parameter (Postfix's match_list.c), before a list type gives them meaning:
 * "!item" excludes, "/file/name" is replaced by the items on the file's lines (comments and blank lines
 * skipped), "type:table" is a table to ask, anything else a pattern (lower-cased). Domain lists, address
 * lists and string lists differ only in how a pattern matches and which keys a table is asked for.
 */
public final class MatchList {
    private MatchList() {}

    /** One item of a list. */
    public sealed interface Item {
        boolean negated();
    }

    /** A literal name or pattern, lower case. */
    public record Pattern(String text, boolean negated) implements Item {}

    /** A "type:table" item, opened when first asked. */
    public record Lookup(Table table, boolean negated) implements Item {}

    /** The items of {@code values}, the value of parameter {@code param} (named in errors). */
    public static List<Item> parse(String param, List<String> values) {
        List<Item> out = new ArrayList<>();
        add(param, values, 0, out);
        return out;
    }

    private static void add(String param, List<String> values, int depth, List<Item> out) {
        for (String raw : values) {
            boolean neg = false;
            String item = raw;
            while (item.startsWith("!")) {
                neg = !neg;
                item = item.substring(1);
            }
            if (item.isEmpty()) continue;
            if (item.startsWith("/")) {
                if (depth > 10) throw new ConfigException(param + ": /file nesting too deep: " + item);
                if (neg) throw new ConfigException(param + ": negated /file entries are not supported: !" + item);
                add(param, readFile(param, Path.of(item)), depth + 1, out);
            } else if (item.indexOf(':') > 0 && !item.startsWith("[")) {
                out.add(new Lookup(new LazyTable(item, false), neg));
            } else {
                out.add(new Pattern(item.toLowerCase(Locale.ROOT), neg));
            }
        }
    }

    private static List<String> readFile(String param, Path file) {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                out.addAll(Param.splitList(l));
            }
        } catch (IOException e) {
            throw new ConfigException(param + ": open file " + file + ": " + e.getMessage());
        }
        return out;
    }
}
