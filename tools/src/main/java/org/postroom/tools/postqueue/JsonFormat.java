package org.postroom.tools.postqueue;

import java.io.PrintStream;
import org.postroom.global.proto.showq.QueueEntry;

/**
 * postqueue -j (showq_json.c, spec 5.2): one JSON object per line with queue_name, queue_id,
 * arrival_time, message_size, forced_expire, sender and recipients (address, delay_reason when known),
 * separated by ", " and ": ".
 */
final class JsonFormat implements Listing {
    private final PrintStream out;

    JsonFormat(PrintStream out) {
        this.out = out;
    }

    @Override
    public void entry(QueueEntry e) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"queue_name\": \"").append(quote(e.queueName()))
                .append("\", \"queue_id\": \"").append(quote(e.queueId()))
                .append("\", \"arrival_time\": ").append(e.arrivalTime())
                .append(", \"message_size\": ").append(e.size())
                .append(", \"forced_expire\": ").append(e.forcedExpire())
                .append(", \"sender\": \"").append(quote(e.sender()))
                .append("\", \"recipients\": [");
        boolean first = true;
        for (QueueEntry.Recipient r : e.recipients()) {
            if (!first) b.append(", ");
            first = false;
            b.append("{\"address\": \"").append(quote(r.address())).append('"');
            if (!r.reason().isEmpty()) b.append(", \"delay_reason\": \"").append(quote(r.reason())).append('"');
            b.append('}');
        }
        b.append("]}\n");
        out.print(b);
    }

    @Override
    public void end() {
        out.flush();
    }

    /** json_quote(): short escapes for common controls, \\u00XX for the others. */
    static String quote(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String esc = switch (c) {
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                default -> c < 0x20 || c == 0x7f ? String.format("\\u%04X", (int) c) : null;
            };
            if (esc != null && b == null) b = new StringBuilder(s.length() + 8).append(s, 0, i);
            if (b != null) {
                if (esc != null) b.append(esc);
                else b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
