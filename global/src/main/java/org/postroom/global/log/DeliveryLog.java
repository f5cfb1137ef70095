package org.postroom.global.log;

import java.util.Locale;
import org.postroom.util.Printable;

/**
 * Formats the delivery line of log_adhoc.c:
 * {@code ID: to=<r>, orig_to=<o>, relay=local, delay=0.69, delays=a/b/c/d, dsn=2.0.0, status=sent (text)}.
 */
public final class DeliveryLog {
    private DeliveryLog() {}

    /**
     * @param arrival   epoch ms when the message arrived
     * @param active    epoch ms when it entered the active queue
     * @param handoff   epoch ms when the agent got it
     * @param connected epoch ms when the connection (if any) was set up
     * @param done      epoch ms at the end of this delivery
     */
    public static String line(String queueId, String to, String origTo, String relay, long arrival, long active,
                              long handoff, long connected, long done, String dsn, String status, String text) {
        return line(queueId, to, origTo, relay, 0, arrival, active, handoff, connected, done, dsn, status, text);
    }

    /** As above, with "conn_use=N" after the relay when a cached connection carried its N-th delivery (N >= 2). */
    public static String line(String queueId, String to, String origTo, String relay, int connUse, long arrival, long active,
                              long handoff, long connected, long done, String dsn, String status, String text) {
        StringBuilder b = new StringBuilder();
        b.append(queueId).append(": to=<").append(Printable.sanitize(to)).append('>');
        if (origTo != null && !origTo.isEmpty() && !origTo.equalsIgnoreCase(to)) {
            b.append(", orig_to=<").append(Printable.sanitize(origTo)).append('>');
        }
        b.append(", relay=").append(relay);
        if (connUse >= 2) b.append(", conn_use=").append(connUse);
        b.append(", delay=").append(seconds(done - arrival));
        b.append(", delays=").append(seconds(active - arrival)).append('/').append(seconds(handoff - active))
                .append('/').append(seconds(connected - handoff)).append('/').append(seconds(done - connected));
        b.append(", dsn=").append(dsn).append(", status=").append(status);
        b.append(" (").append(Printable.sanitize(text)).append(')');
        return b.toString();
    }

    /**
     * Postfix's delay format: at most 2 significant digits under 10 s (and at most 2 decimals), whole
     * seconds from 10 s on, "0" for zero.
     */
    public static String seconds(long millis) {
        if (millis <= 0) return "0";
        double s = millis / 1000.0;
        if (s >= 10) return Long.toString(Math.round(Math.floor(s)));
        double rounded;
        if (s >= 1) rounded = Math.floor(s * 10) / 10;
        else if (s >= 0.1) rounded = Math.floor(s * 100) / 100;
        else rounded = Math.floor(s * 100) / 100;
        if (rounded == 0) return "0";
        String t = String.format(Locale.ROOT, "%.2f", rounded);
        while (t.endsWith("0")) t = t.substring(0, t.length() - 1);
        if (t.endsWith(".")) t = t.substring(0, t.length() - 1);
        return t;
    }
}
