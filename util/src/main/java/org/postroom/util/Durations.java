package org.postroom.util;

import java.time.Duration;

/** Parses Postfix time values (conv_time.c): an integer with an optional unit s, m, h, d or w. */
public final class Durations {
    private Durations() {}

    /**
     * Parses {@code text} with {@code defaultUnit} ('s','m','h','d','w') when no unit is given.
     * @throws IllegalArgumentException with a message fit for a config error
     */
    public static Duration parse(String text, char defaultUnit) {
        String t = text.trim();
        if (t.isEmpty()) throw new IllegalArgumentException("bad time value: empty");
        char unit = defaultUnit;
        char last = t.charAt(t.length() - 1);
        if (!Character.isDigit(last)) {
            unit = last;
            t = t.substring(0, t.length() - 1);
        }
        long n;
        try {
            n = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad time value: \"" + text + "\"");
        }
        if (n < 0) throw new IllegalArgumentException("bad time value: \"" + text + "\"");
        long seconds = switch (unit) {
            case 's' -> n;
            case 'm' -> n * 60;
            case 'h' -> n * 3600;
            case 'd' -> n * 86400;
            case 'w' -> n * 7 * 86400;
            default -> throw new IllegalArgumentException("bad time unit in \"" + text + "\"");
        };
        return Duration.ofSeconds(seconds);
    }
}
