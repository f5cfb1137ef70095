package org.postroom.cleanup;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;

/**
 * Writes one queue file (cleanup_out.c): a placeholder SIZE record first, the records, and finally the
 * SIZE record rewritten in place with its fixed-width fields (3.4).
 */
final class QueueFileWriter {
    static final String SIZE_FORMAT = "%15d %15d %15d %15d %15d %15d";

    private final FileChannel channel;
    private final OutputStream out;
    private final RecordWriter records;

    QueueFileWriter(FileChannel channel) throws IOException {
        this.channel = channel;
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 65536);
        this.records = new RecordWriter(out);
        records.put(RecordType.SIZE, size(0, 0, 0, 0));
    }

    RecordWriter records() {
        return records;
    }

    /** The size record: content length, data offset, recipient count, qmgr options, content length, sendopts. */
    static String size(long contentLength, long dataOffset, int recipients, int sendopts) {
        return String.format(SIZE_FORMAT, contentLength, dataOffset, recipients, 0, contentLength, sendopts);
    }

    /** Flushes, rewrites the SIZE record in place and forces everything to disk. */
    void complete(long contentLength, long dataOffset, int recipients, int sendopts) throws IOException {
        out.flush();
        byte[] c = size(contentLength, dataOffset, recipients, sendopts).getBytes(StandardCharsets.US_ASCII);
        // type byte + one length byte (95 < 128) precede the data
        channel.write(ByteBuffer.wrap(c), 2);
        channel.force(true);
    }
}
