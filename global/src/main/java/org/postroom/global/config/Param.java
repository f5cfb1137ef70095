package org.postroom.global.config;

import java.time.Duration;
import java.util.List;
import org.postroom.util.Durations;

/**
 * One declared main.cf parameter: its name, its Postfix default (unexpanded) and how to parse it.
 * This is Postfix's VAR_x / DEF_x / var_x triple as one value.
 */
public record Param<T>(String name, String defaultValue, Parser<T> parser) {

    /** Turns an expanded value into T, or throws IllegalArgumentException with the reason. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String value);
    }

    public static Param<String> string(String name, String def) {
        return new Param<>(name, def, v -> v);
    }

    public static Param<Integer> integer(String name, String def) {
        return new Param<>(name, def, Param::parseInt);
    }

    public static Param<Long> size(String name, String def) {
        return new Param<>(name, def, v -> {
            try {
                long n = Long.parseLong(v.strip());
                if (n < 0) throw new NumberFormatException();
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad numerical configuration: " + v);
            }
        });
    }

    public static Param<Boolean> bool(String name, String def) {
        return new Param<>(name, def, v -> switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "yes", "true" -> true;
            case "no", "false" -> false;
            default -> throw new IllegalArgumentException("bad boolean configuration: " + v);
        });
    }

    public static Param<Duration> time(String name, String def, char unit) {
        return new Param<>(name, def, v -> Durations.parse(v, unit));
    }

    /** Comma and/or whitespace separated list. */
    public static Param<List<String>> list(String name, String def) {
        return new Param<>(name, def, Param::splitList);
    }

    /**
     * Splits a list value at commas and whitespace, except inside braces, so that
     * "inline:{ a=b, c=d }" and "{ text with spaces }" stay one element (mystrtok_cw).
     */
    public static List<String> splitList(String v) {
        return splitList(v, false);
    }

    /**
     * As {@link #splitList(String)}, but with {@code commaSpOnly} only ',', ' ', '\t', '\r' and '\n'
     * separate (Postfix's CHARS_COMMA_SP, as the table library splits the inside of "inline:{...}"),
     * where {@link #splitList(String)} also separates at any other Java whitespace.
     */
    public static List<String> splitList(String v, boolean commaSpOnly) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int level = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '{') level++;
            else if (c == '}' && level > 0) level--;
            boolean blank = commaSpOnly ? c == ' ' || c == '\t' || c == '\r' || c == '\n' : Character.isWhitespace(c);
            if (level == 0 && (c == ',' || blank)) {
                if (!cur.isEmpty()) out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) out.add(cur.toString());
        return List.copyOf(out);
    }

    private static int parseInt(String v) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad numerical configuration: " + v);
        }
    }
}
