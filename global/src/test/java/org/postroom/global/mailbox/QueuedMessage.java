package org.postroom.global.mailbox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;

/**
 * A synthetic queue file as cleanup(8) writes it, and the {@link Message} on it. Content records longer
 * than {@link #PIECE} are split into L pieces, so that tests exercise L+N joining.
 */
final class QueuedMessage {
    static final ZonedDateTime NOW = ZonedDateTime.ofInstant(Instant.parse("2026-11-21T19:09:35.123456Z"), ZoneOffset.UTC);
    static final int PIECE = 50;
    static final List<String> SIMPLE = List.of("Received: by mail.example.com (Postfix)", "Subject: hi", "", "body");

    private QueuedMessage() {}

    /** Writes {@code file} with one recipient and returns its message, as local(8) reads it. */
    static Message write(Path file, String sender, List<String> lines) throws IOException {
        return write(file, sender, lines, false);
    }

    static Message write(Path file, String sender, List<String> lines, boolean lowerCaseDeliveredTo) throws IOException {
        long dataOffset;
        try (OutputStream os = Files.newOutputStream(file)) {
            RecordWriter w = new RecordWriter(os);
            w.put(RecordType.SIZE, String.format("%15d %15d %15d %15d %15d %15d", 0, 0, 1, 0, 0, 0));
            w.put(RecordType.TIME, "1795288307 174110");
            w.attr("create_time", "1795288307");
            w.put(RecordType.FROM, sender);
            w.put(RecordType.RCPT, "joe@mail.example.com");
            w.put(RecordType.MESG, "");
            dataOffset = w.offset();
            for (String l : lines) {
                byte[] b = l.getBytes(StandardCharsets.UTF_8);
                int off = 0;
                for (; b.length - off > PIECE; off += PIECE) w.put(RecordType.CONT, b, off, PIECE);
                w.put(RecordType.NORM, b, off, b.length - off);
            }
            w.put(RecordType.XTRA, "");
            w.put(RecordType.END, "");
        }
        return new Message(file, dataOffset, 4096, sender, lowerCaseDeliveredTo);
    }

    /** Golden-file input: optional "#sender: x" and "#orig: x" lines, then the message content lines. */
    record Golden(String sender, String orig, List<String> lines) {
        static Golden parse(String text) {
            List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
            if (text.endsWith("\n")) lines.removeLast();
            String sender = "alice@example.org";
            String orig = "joe@mail.example.com";
            while (!lines.isEmpty() && lines.getFirst().startsWith("#")) {
                String l = lines.removeFirst();
                if (l.startsWith("#sender:")) sender = l.substring(8).strip();
                if (l.startsWith("#orig:")) orig = l.substring(6).strip();
            }
            return new Golden(sender, orig, lines);
        }
    }
}
