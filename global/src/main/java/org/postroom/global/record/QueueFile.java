package org.postroom.global.record;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reading and in-place updates of a queue file (rec_get, deliver_completed.c, rec_put_type). */
public final class QueueFile {
    private QueueFile() {}

    /** Receives message content lines, without their newline. */
    @FunctionalInterface
    public interface LineSink {
        void line(byte[] data, int off, int len) throws IOException;
    }

    /**
     * Streams the message content starting at the M record's data offset up to the X record, joining
     * CONT ('L') pieces with the following NORM ('N') record into one line.
     */
    public static void copyContent(Path file, long dataOffset, int maxRecord, LineSink sink) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(dataOffset);
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 65536);
            RecordReader r = new RecordReader(in, dataOffset);
            java.io.ByteArrayOutputStream pending = null;
            while (true) {
                Record rec = r.next(maxRecord);
                if (rec == null) throw new RecordException("premature end of queue file " + file);
                switch (rec.type()) {
                    case NORM -> {
                        if (pending != null) {
                            pending.write(rec.data());
                            byte[] b = pending.toByteArray();
                            pending = null;
                            sink.line(b, 0, b.length);
                        } else {
                            sink.line(rec.data(), 0, rec.data().length);
                        }
                    }
                    case CONT -> {
                        if (pending == null) pending = new java.io.ByteArrayOutputStream();
                        pending.write(rec.data());
                    }
                    case DTXT -> { }
                    case XTRA -> {
                        if (pending != null) {
                            byte[] b = pending.toByteArray();
                            sink.line(b, 0, b.length);
                        }
                        return;
                    }
                    default -> throw new RecordException("unexpected record type " + rec.type().code + " in content of " + file);
                }
            }
        }
    }

    /**
     * Marks a recipient done: overwrites the R type byte at {@code offset} with D and fsyncs (3.5).
     * Refuses when the byte there is not R or D, which would mean a wrong offset.
     */
    public static void markDone(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            if (ch.read(b, offset) != 1) throw new RecordException("bad recipient offset " + offset + " in " + file);
            byte t = b.get(0);
            if (t == RecordType.DONE.code) return;
            if (t != RecordType.RCPT.code) throw new RecordException("no recipient record at offset " + offset + " in " + file);
            ch.write(ByteBuffer.wrap(new byte[] {(byte) RecordType.DONE.code}), offset);
            ch.force(false);
        }
    }

    /**
     * Kills the record at {@code offset} (qmgr_message_kill_record: its type byte becomes K) and fsyncs;
     * qmgr does this to the W record once the delay warning went out, so that it goes out once.
     * Refuses when the byte there is not {@code expected} or K.
     */
    public static void kill(Path file, long offset, RecordType expected) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            if (ch.read(b, offset) != 1) throw new RecordException("bad record offset " + offset + " in " + file);
            byte t = b.get(0);
            if (t == RecordType.KILL.code) return;
            if (t != expected.code) throw new RecordException("no " + expected + " record at offset " + offset + " in " + file);
            ch.write(ByteBuffer.wrap(new byte[] {(byte) RecordType.KILL.code}), offset);
            ch.force(false);
        }
    }
}
