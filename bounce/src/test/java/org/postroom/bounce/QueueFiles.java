package org.postroom.bounce;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.List;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;

/** Queue files as cleanup(8) writes them, for tests: C, T, attributes, S, R, M, content (L+N pieces), X, E. */
final class QueueFiles {
    private QueueFiles() {}

    static final String SIZE_FORMAT = "%15d %15d %15d %15d %15d %15d";

    static Path write(Path file, String sender, long arrival, List<String> attrs, List<String> content) throws IOException {
        Iterator<String> it = content.iterator();
        return write(file, sender, arrival, attrs, () -> it.hasNext() ? it.next().getBytes(StandardCharsets.UTF_8) : null, 2048, 0);
    }

    /** A source of content lines; null at the end. */
    interface Lines {
        byte[] next();
    }

    static Path write(Path file, String sender, long arrival, List<String> attrs, Lines content, int lineLimit, int sendopts)
            throws IOException {
        long dataOffset, contentLength;
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            RecordWriter w = new RecordWriter(os);
            w.put(RecordType.SIZE, String.format(SIZE_FORMAT, 0, 0, 0, 0, 0, 0));
            w.put(RecordType.TIME, arrival + " 0");
            w.attr("create_time", Long.toString(arrival));
            for (String a : attrs) w.put(RecordType.ATTR, a);
            w.put(RecordType.FROM, sender);
            w.put(RecordType.RCPT, "nosuch@mail.example.com");
            w.put(RecordType.MESG, "");
            dataOffset = w.offset();
            for (byte[] l; (l = content.next()) != null; ) {
                int off = 0;
                while (l.length - off > lineLimit) {
                    w.put(RecordType.CONT, l, off, lineLimit);
                    off += lineLimit;
                }
                w.put(RecordType.NORM, l, off, l.length - off);
            }
            contentLength = w.offset() - dataOffset;
            w.put(RecordType.XTRA, "");
            w.put(RecordType.END, "");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            byte[] c = String.format(SIZE_FORMAT, contentLength, dataOffset, 1, 0, contentLength, sendopts).getBytes(StandardCharsets.US_ASCII);
            ch.write(ByteBuffer.wrap(c), 2);
        }
        return file;
    }
}
