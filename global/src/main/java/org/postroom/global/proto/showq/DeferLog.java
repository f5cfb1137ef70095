package org.postroom.global.proto.showq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a defer log (spec 3.6): blank-line framed entries of {@code name=value} lines, optionally preceded
 * by the legacy {@code <rcpt>: reason} line. Only recipient, offset and reason matter for the listing.
 */
final class DeferLog {
    private DeferLog() {}

    /** One logged recipient; offset is -1 when the entry has none. */
    record Entry(String recipient, long offset, String reason) {}

    /** Entries in file order, later duplicates of a recipient replacing earlier ones; empty when no log. */
    static List<Entry> read(Path file) throws IOException {
        byte[] buf = new byte[2048];
        int n = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            // read to the end without asking for the size first: one or two reads for a typical log
            while (true) {
                if (n == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
                int r = ch.read(ByteBuffer.wrap(buf, n, buf.length - n));
                if (r < 0) break;
                n += r;
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return parse(new String(buf, 0, n, StandardCharsets.UTF_8));
    }

    static List<Entry> parse(String text) {
        List<Entry> out = new ArrayList<>();
        String rcpt = null, reason = "";
        long offset = -1;
        for (String line : (text + "\n\n").split("\n", -1)) {
            if (line.isEmpty()) {
                if (rcpt != null) add(out, new Entry(rcpt, offset, reason));
                rcpt = null;
                reason = "";
                offset = -1;
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || line.startsWith("<")) continue;
            String name = line.substring(0, eq), value = line.substring(eq + 1);
            switch (name) {
                case "recipient" -> rcpt = value;
                case "reason" -> reason = value;
                case "offset" -> {
                    try {
                        offset = Long.parseLong(value.strip());
                    } catch (NumberFormatException e) {
                        offset = -1;
                    }
                }
                default -> { }
            }
        }
        return out;
    }

    private static void add(List<Entry> out, Entry e) {
        out.removeIf(x -> x.recipient().equals(e.recipient()));
        out.add(e);
    }
}
