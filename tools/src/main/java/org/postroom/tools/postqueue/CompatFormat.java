package org.postroom.tools.postqueue;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Supplier;
import org.postroom.global.proto.showq.QueueEntry;

/**
 * The mailq layout (showq_compat.c, spec 5.1): a heading before the first entry, the ID with its status
 * mark ({@code *} active, {@code !} hold, {@code #} force-expired), size, asctime() arrival without the
 * year, sender; a right-aligned {@code (reason)} line whenever the reason changes between recipients;
 * recipients after 41 spaces; a blank line between entries; then {@code -- N Kbytes in M Request(s).}
 * or {@code Mail queue is empty}.
 */
final class CompatFormat implements Listing {
    /** Made when the first entry is printed: java.time's formatter and the time zone rules cost an empty listing ~10 ms. */
    private static final class Asctime {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss ", Locale.ENGLISH);
    }

    private final PrintStream out;
    private final boolean longIds;
    private final Supplier<ZoneId> zones;
    private ZoneId zone;
    private long count;
    private long bytes;

    CompatFormat(PrintStream out, boolean longIds, ZoneId zone) {
        this(out, longIds, () -> zone);
    }

    /** Arrival times in the zone {@code zones} gives when the first entry is printed (ZoneId::systemDefault). */
    CompatFormat(PrintStream out, boolean longIds, Supplier<ZoneId> zones) {
        this.out = out;
        this.longIds = longIds;
        this.zones = zones;
    }

    @Override
    public void entry(QueueEntry e) {
        if (count > 0) out.print('\n');
        else out.print(row("-Queue ID-", "--Size--", "----Arrival Time----", "-Sender/Recipient-------"));
        StringBuilder id = new StringBuilder(e.queueId());
        if (e.queueName().equals("active")) id.append('*');
        else if (e.queueName().equals("hold")) id.append('!');
        if (e.forcedExpire()) id.append('#');
        if (zone == null) zone = zones.get();
        String when = Asctime.FORMAT.format(Instant.ofEpochSecond(e.arrivalTime()).atZone(zone));
        StringBuilder b = new StringBuilder(96);
        left(b, id, longIds ? 17 : 11).append(' ');
        right(b, Long.toString(e.size()), longIds ? 8 : 7).append(' ');
        int w = longIds ? 19 : 20;
        left(b, when.length() > w ? when.substring(0, w) : when, w).append(' ').append(e.sender()).append('\n');
        out.print(b);
        String saved = "";
        for (QueueEntry.Recipient r : e.recipients()) {
            if (!saved.equals(r.reason())) {
                saved = r.reason();
                String shown = saved.isEmpty() ? "reason unavailable" : saved;
                out.print(" ".repeat(Math.max(0, 76 - shown.length())) + "(" + shown + ")\n");
            }
            out.print(row("", "", "", r.address()));
        }
        count++;
        bytes += e.size();
    }

    private String row(String a, String b, String c, String d) {
        StringBuilder s = new StringBuilder(80);
        left(s, a, longIds ? 17 : 11).append(' ');
        right(s, b, longIds ? 8 : 7).append(' ');
        left(s, c, longIds ? 19 : 20).append(' ');
        return s.append(d).append('\n').toString();
    }

    /** printf's %-Ns. */
    private static StringBuilder left(StringBuilder b, CharSequence s, int width) {
        b.append(s);
        for (int i = s.length(); i < width; i++) b.append(' ');
        return b;
    }

    /** printf's %Ns. */
    private static StringBuilder right(StringBuilder b, CharSequence s, int width) {
        for (int i = s.length(); i < width; i++) b.append(' ');
        return b.append(s);
    }

    @Override
    public void end() {
        if (count == 0) out.print("Mail queue is empty\n");
        else out.print("\n-- " + (bytes / 1024) + " Kbytes in " + count + " Request" + (count == 1 ? "" : "s") + ".\n");
        out.flush();
    }
}
