package org.postroom.local;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The $name expansion of mailbox_command (local_expand.c): {@code $name}, {@code ${name}} and
 * {@code $(name)} for the lower-case attribute names local knows. Other text, including upper-case
 * {@code $EXTENSION} meant for the shell, is left alone. Characters of an expanded value outside
 * command_expansion_filter become '_'.
 */
final class LocalExpand {
    private LocalExpand() {}

    private static final Pattern MACRO = Pattern.compile("\\$(?:\\{([a-z_]+)\\}|\\(([a-z_]+)\\)|([a-z_]+))");

    static String expand(String template, Map<String, String> attrs, String filter) {
        Matcher m = MACRO.matcher(template);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String v = attrs.get(name);
            m.appendReplacement(b, Matcher.quoteReplacement(v == null ? m.group() : censor(v, filter)));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** Replaces every character that is not in {@code filter} by '_'. */
    static String censor(String value, String filter) {
        StringBuilder b = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            b.append(filter.indexOf(c) >= 0 ? c : '_');
        }
        return b.toString();
    }
}
