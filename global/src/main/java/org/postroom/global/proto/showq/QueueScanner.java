package org.postroom.global.proto.showq;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.global.record.Record;
import org.postroom.global.record.RecordException;
import org.postroom.global.record.RecordReader;
import org.postroom.global.record.RecordType;

/**
 * Walks the queues in the order the listing uses (showq.c): maildrop, active, incoming, deferred, hold,
 * each in directory order. A file is listed only when it is ready (owner rwx) and has one link; a file
 * that vanishes or turns out malformed while it is read is skipped, as the queue keeps changing under a
 * running mail system.
 */
public final class QueueScanner {
    /** The queues in listing order. */
    public static final List<QueueName> ORDER = List.of(QueueName.MAILDROP, QueueName.ACTIVE, QueueName.INCOMING,
            QueueName.DEFERRED, QueueName.HOLD);

    /** Receives entries; may throw when its client went away. */
    @FunctionalInterface
    public interface Sink {
        void accept(QueueEntry e) throws IOException;
    }

    private final MailQueue queue;
    private final String emptySender;
    private final int maxRecord;

    /** {@code emptySender} replaces the null sender (empty_address_recipient, MAILER-DAEMON). */
    public QueueScanner(MailQueue queue, String emptySender, int maxRecord) {
        this.queue = queue;
        this.emptySender = emptySender;
        this.maxRecord = maxRecord;
    }

    public void scan(Sink sink) throws IOException {
        // which messages have a defer log, from one walk of defer/ rather than one lookup per message; a log
        // written after this walk is shown by the next listing
        Set<QueueId> logged = new HashSet<>(queue.list(QueueName.DEFER));
        for (QueueName q : ORDER) {
            for (QueueId id : queue.list(q)) {
                QueueEntry e = read(q, id, logged.contains(id));
                if (e != null) sink.accept(e);
            }
        }
    }

    /** One message, or null when it is not (or no longer) a ready queue file. */
    public QueueEntry read(QueueName q, QueueId id) throws IOException {
        return read(q, id, true);
    }

    private QueueEntry read(QueueName q, QueueId id, boolean deferLog) throws IOException {
        Path file = queue.path(q, id);
        Envelope env;
        try {
            Map<String, Object> st = java.nio.file.Files.readAttributes(file, "unix:mode,nlink,size,lastModifiedTime");
            int mode = (Integer) st.get("mode");
            if (!MailQueue.openOk(mode, (Integer) st.get("nlink"))) return null;
            env = envelope(file, (Long) st.get("size"), ((FileTime) st.get("lastModifiedTime")).toMillis() / 1000);
            env.forcedExpire = MailQueue.isForceExpired(mode);
        } catch (NoSuchFileException | RecordException e) {
            return null;
        }
        List<QueueEntry.Recipient> rcpts = new ArrayList<>();
        Set<Long> logged = new HashSet<>();
        Set<String> loggedAddr = new HashSet<>();
        for (DeferLog.Entry d : deferLog ? DeferLog.read(queue.path(QueueName.DEFER, id)) : List.<DeferLog.Entry>of()) {
            rcpts.add(new QueueEntry.Recipient(ExternalAddress.of(d.recipient()), d.reason()));
            if (d.offset() >= 0) logged.add(d.offset());
            else loggedAddr.add(d.recipient());
        }
        for (Pending p : env.recipients) {
            if (logged.contains(p.offset) || loggedAddr.contains(p.address)) continue;
            rcpts.add(new QueueEntry.Recipient(ExternalAddress.of(p.address), ""));
        }
        String sender = env.sender == null || env.sender.isEmpty() ? emptySender : ExternalAddress.of(env.sender);
        return new QueueEntry(q.dir(), id.value(), env.arrival, env.size, env.forcedExpire, sender, rcpts);
    }

    private record Pending(long offset, String address) {}

    private static final class Envelope {
        String sender;
        long arrival;
        long size;
        boolean forcedExpire;
        final List<Pending> recipients = new ArrayList<>();
    }

    /** Reads the envelope and extracted segments, skipping the content by the C record's offsets. */
    private Envelope envelope(Path file, long fileSize, long mtime) throws IOException {
        Envelope env = new Envelope();
        env.arrival = -1;
        env.size = fileSize;
        long dataOffset = -1, contentLength = -1;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            // a small file is read whole with one call, and its content skipped in memory
            byte[] whole = fileSize <= SMALL_FILE ? readWhole(ch, (int) fileSize) : null;
            RecordReader r = whole != null ? new RecordReader(new ByteArrayInputStream(whole))
                    : new RecordReader(new BufferedInputStream(Channels.newInputStream(ch), 4096));
            boolean inContent = false;
            while (true) {
                Record rec = r.next(maxRecord);
                if (rec == null) throw new RecordException("premature end of queue file");
                RecordType t = rec.type();
                if (inContent) {
                    if (t == RecordType.XTRA) inContent = false;
                    continue;
                }
                switch (t) {
                    case SIZE -> {
                        String[] f = rec.text().strip().split("\\s+");
                        try {
                            contentLength = Long.parseLong(f[0]);
                            dataOffset = f.length > 1 ? Long.parseLong(f[1]) : -1;
                            env.size = contentLength;
                        } catch (NumberFormatException e) {
                            throw new RecordException("bad size record");
                        }
                    }
                    case TIME -> {
                        String v = rec.text().strip();
                        int sp = v.indexOf(' ');
                        try {
                            env.arrival = Long.parseLong(sp < 0 ? v : v.substring(0, sp));
                        } catch (NumberFormatException e) {
                            env.arrival = -1;
                        }
                    }
                    case FROM -> env.sender = rec.text();
                    case RCPT -> env.recipients.add(new Pending(rec.offset(), rec.text()));
                    case MESG -> {
                        if (dataOffset > 0 && contentLength >= 0) {
                            long x = dataOffset + contentLength;
                            if (whole != null) {
                                if (x > whole.length) throw new RecordException("content length beyond end of file");
                                r = new RecordReader(new ByteArrayInputStream(whole, (int) x, whole.length - (int) x), x);
                            } else {
                                ch.position(x);
                                r = new RecordReader(new BufferedInputStream(Channels.newInputStream(ch), 4096), x);
                            }
                        } else {
                            inContent = true;
                        }
                    }
                    case END -> {
                        if (env.arrival < 0) env.arrival = mtime;
                        return env;
                    }
                    default -> { }
                }
            }
        }
    }

    /** Files up to this size are read with one call. */
    private static final int SMALL_FILE = 16384;

    /** The first {@code size} bytes (fewer if the file is shorter now). */
    private static byte[] readWhole(FileChannel ch, int size) throws IOException {
        byte[] b = new byte[size];
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b);
        while (bb.hasRemaining() && ch.read(bb) > 0) {
            // a file that is still growing is read to the size it had
        }
        return bb.position() == size ? b : java.util.Arrays.copyOf(b, bb.position());
    }

    /** The scanner as showq(8) and postqueue(1) configure it. */
    public static QueueScanner of(org.postroom.global.config.MainCf cfg, org.postroom.global.queue.MailQueue queue) {
        return new QueueScanner(queue, cfg.get(org.postroom.global.config.Params.EMPTY_ADDRESS_RECIPIENT),
                Math.max(cfg.get(org.postroom.global.config.Params.LINE_LENGTH_LIMIT), 1024) * 4);
    }
}
