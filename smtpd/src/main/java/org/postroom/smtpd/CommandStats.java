package org.postroom.smtpd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-command counts for the disconnect line (smtpd.c): {@code ehlo=1 mail=1 rcpt=2/3 ... commands=5/6},
 * in command-table order, showing ok/total only where some attempts failed.
 */
final class CommandStats {
    private static final List<String> ORDER = List.of("helo", "ehlo", "starttls", "auth", "mail", "rcpt", "data",
            "bdat", "rset", "noop", "vrfy", "etrn", "quit", "help", "unknown");

    private final Map<String, int[]> counts = new LinkedHashMap<>();

    CommandStats() {
        for (String name : ORDER) counts.put(name, new int[2]);
    }

    /** Counts one command; names outside the table count as "unknown". */
    void count(String name, boolean ok) {
        int[] c = counts.getOrDefault(name, counts.get("unknown"));
        if (ok) c[0]++;
        c[1]++;
    }

    /** The statistics with a leading space, as appended to "disconnect from name[addr]". */
    String summary() {
        StringBuilder b = new StringBuilder();
        int ok = 0;
        int total = 0;
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            if (c[1] == 0) continue;
            b.append(' ').append(e.getKey()).append('=').append(c[0]);
            if (c[0] != c[1]) b.append('/').append(c[1]);
            ok += c[0];
            total += c[1];
        }
        b.append(" commands=").append(ok);
        if (ok != total || total == 0) b.append('/').append(total);
        return b.toString();
    }
}
