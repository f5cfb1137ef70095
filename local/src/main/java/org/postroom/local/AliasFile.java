package org.postroom.local;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.postroom.global.config.LogicalLines;

/**
 * The aliases(5) source format, as postalias reads it: {@code name: value, value, ...} with continuation
 * lines that start with whitespace, '#' comment lines, and names with special characters in double
 * quotes. Names are folded to lower case. Values are an RFC 822 list: commas inside quotes, angle
 * brackets or parentheses do not split, quotes are removed, comments in parentheses are dropped and
 * {@code Name <addr>} becomes {@code addr}.
 */
final class AliasFile {
    private AliasFile() {}

    /** Parses a whole file: name to values, in file order; the first of duplicate names wins. */
    static Map<String, List<String>> parse(String text, Consumer<String> warn) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (LogicalLines.Line l : LogicalLines.split(text, warn)) {
            String s = l.text();
            String name;
            String rest;
            if (s.startsWith("\"")) {
                int end = closingQuote(s);
                if (end < 0) {
                    warn.accept("line " + l.number() + ": need name:value pair");
                    continue;
                }
                name = unquote(s.substring(0, end + 1));
                rest = s.substring(end + 1).stripLeading();
                if (!rest.startsWith(":")) {
                    warn.accept("line " + l.number() + ": need name:value pair");
                    continue;
                }
                rest = rest.substring(1);
            } else {
                int colon = s.indexOf(':');
                if (colon <= 0) {
                    warn.accept("line " + l.number() + ": need name:value pair");
                    continue;
                }
                name = s.substring(0, colon).strip();
                rest = s.substring(colon + 1);
            }
            name = name.toLowerCase(Locale.ROOT);
            List<String> values = splitValues(rest);
            if (name.isEmpty() || values.isEmpty()) {
                warn.accept("line " + l.number() + ": need name:value pair");
                continue;
            }
            if (out.containsKey(name)) {
                warn.accept("line " + l.number() + ": duplicate entry: \"" + name + "\"");
                continue;
            }
            out.put(name, Collections.unmodifiableList(values));
        }
        return Collections.unmodifiableMap(out);
    }

    /** An :include: file: every line that is not a '#' comment holds more list elements. */
    static List<String> parseInclude(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.strip().startsWith("#")) continue;
            b.append(line).append(',');
        }
        return splitValues(b.toString());
    }

    /** Splits an RFC 822 address list into unquoted elements; empty elements are skipped. */
    static List<String> splitValues(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        StringBuilder angle = null;
        boolean quoted = false;
        int comment = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            StringBuilder into = angle != null ? angle : cur;
            if (quoted) {
                if (c == '\\' && i + 1 < value.length()) into.append(value.charAt(++i));
                else if (c == '"') quoted = false;
                else into.append(c);
            } else if (comment > 0) {
                if (c == '(') comment++;
                else if (c == ')') comment--;
                else if (c == '\\') i++;
            } else if (c == '"') {
                quoted = true;
            } else if (c == '(') {
                comment++;
            } else if (c == '<') {
                angle = new StringBuilder();
            } else if (c == '>' && angle != null) {
                cur.setLength(0);
                cur.append(angle);
                angle = null;
            } else if (c == ',' && angle == null) {
                add(out, cur);
            } else {
                into.append(c);
            }
        }
        if (angle != null) cur.append('<').append(angle);
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) out.add(s);
        cur.setLength(0);
    }

    /** The index of the quote that closes the one at index 0, honouring backslash escapes; -1 if none. */
    private static int closingQuote(String s) {
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') i++;
            else if (c == '"') return i;
        }
        return -1;
    }

    private static String unquote(String quoted) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < quoted.length() - 1) c = quoted.charAt(++i);
            b.append(c);
        }
        return b.toString();
    }
}
