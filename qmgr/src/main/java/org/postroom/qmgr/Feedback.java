package org.postroom.qmgr;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One concurrency feedback amount (qmgr_feedback.c): how much a delivery adds to a destination's success
 * or failure account. A main.cf value is a constant ("1", "0.5"), a ratio of constants ("1/4"), or a
 * constant divided by the destination's window ("1/concurrency"). A malformed value, or one outside
 * [0, 1], is warned about and 1 is used, as Postfix does.
 */
record Feedback(double base, boolean perWindow) {
    static final Feedback ONE = new Feedback(1, false);

    private static final Pattern NUMBER = Pattern.compile("\\s*([+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)");
    private static final Pattern RATIO = Pattern.compile("\\s*/\\s*(\\S{1,30})");

    /** The amount at window size {@code window}. */
    double at(int window) {
        return perWindow ? base / window : base;
    }

    /**
     * Parses {@code value}, the setting of {@code name}; {@code defaultName}/{@code defaultValue} are the
     * default_ parameter it falls back to, named in the warning when the value is the default's.
     */
    static Feedback parse(String value, String name, String defaultName, String defaultValue, Consumer<String> warn) {
        Feedback f = scan(value);
        if (f == null || !(f.base >= 0 && f.base <= 1)) {
            warn.accept((value.equals(defaultValue) ? defaultName : name) + ": ignoring malformed or unreasonable feedback: " + value);
            return ONE;
        }
        return f;
    }

    /** sscanf(value, "%lf %1[/] %30s%c"): a number, optionally "/" and a denominator, nothing after. */
    private static Feedback scan(String value) {
        Matcher n = NUMBER.matcher(value);
        if (!n.lookingAt()) return null;
        double num = Double.parseDouble(n.group(1));
        String rest = value.substring(n.end());
        if (!rest.stripLeading().startsWith("/")) return new Feedback(num, false); // sscanf stops at the first mismatch
        Matcher r = RATIO.matcher(rest);
        if (!r.lookingAt() || r.end() != rest.length()) return null;
        String denom = r.group(1);
        if (denom.equals("concurrency")) return new Feedback(num, true);
        if (!(num >= 0 && num <= Integer.MAX_VALUE)) return null;
        Matcher d = NUMBER.matcher(denom);
        if (!d.matches()) return null;
        double den = Double.parseDouble(d.group(1));
        if (!(den >= 1.0 / Integer.MAX_VALUE && den <= Integer.MAX_VALUE)) return null;
        return new Feedback(num / den, false);
    }
}
