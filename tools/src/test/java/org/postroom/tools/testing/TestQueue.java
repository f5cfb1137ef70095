package org.postroom.tools.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;

/**
 * Builds queue files in a temporary queue directory with RecordWriter, in the record sequence cleanup
 * writes (C T A S [O] R M N... X E), with a correct C record, and defer logs in the format of spec 3.6.
 * The case files use one message per line: {@code queue id arrival sender | rcpt,rcpt | reason}.
 */
public final class TestQueue {
    public final Path root;
    public final MailQueue queue;

    public TestQueue(Path root) throws IOException {
        this.root = root;
        this.queue = new MailQueue(root, List.of("deferred", "defer"), 1);
        for (QueueName q : QueueName.values()) Files.createDirectories(queue.dir(q));
    }

    /** Adds the messages described by {@code spec}; returns the path of the last one. */
    public Path load(String spec) throws IOException {
        Path last = null;
        for (String line : spec.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] parts = line.split("\\|", -1);
            String[] head = parts[0].strip().split("\\s+");
            List<String> rcpts = List.of(parts[1].strip().split(","));
            String reason = parts.length > 2 ? parts[2].strip() : "";
            String sender = head.length > 3 ? head[3] : "";
            if (sender.equals("<>")) sender = "";
            last = message(QueueName.of(head[0]), head[1], Long.parseLong(head[2]), sender, rcpts, reason);
        }
        return last;
    }

    public Path message(QueueName q, String id, long arrival, String sender, List<String> rcpts, String reason) throws IOException {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        long sizeRecord = 97;
        RecordWriter w = new RecordWriter(rest, sizeRecord);
        w.put(RecordType.TIME, arrival + " 123456");
        w.attr("create_time", Long.toString(arrival));
        w.attr("rewrite_context", "local");
        w.put(RecordType.FULL, "Test User");
        w.put(RecordType.FROM, sender);
        long[] offsets = new long[rcpts.size()];
        for (int i = 0; i < rcpts.size(); i++) {
            w.attr("dsn_orig_rcpt", "rfc822;" + rcpts.get(i));
            w.put(RecordType.ORCP, rcpts.get(i));
            offsets[i] = w.put(RecordType.RCPT, rcpts.get(i));
        }
        w.put(RecordType.MESG, "");
        long data = w.offset();
        w.put(RecordType.NORM, "Received: by mail.example.com (Postfix, from userid 0)");
        w.put(RecordType.NORM, "\tid " + id + "; Sat, 21 Nov 2026 19:11:29 +0000 (UTC)");
        w.put(RecordType.NORM, "Subject: test " + id);
        w.put(RecordType.CONT, "Long-Header: first piece ");
        w.put(RecordType.NORM, "and the rest");
        w.put(RecordType.NORM, "");
        w.put(RecordType.NORM, "body line one");
        w.put(RecordType.NORM, "From: not a header, in the body");
        long length = w.offset() - data;
        w.put(RecordType.XTRA, "");
        w.attr("encoding", "7bit");
        w.put(RecordType.END, "");
        Path p = queue.path(q, new QueueId(id));
        Files.createDirectories(p.getParent());
        try (OutputStream os = Files.newOutputStream(p)) {
            new RecordWriter(os).put(RecordType.SIZE, String.format("%15d %15d %15d %15d %15d %15d", length, data, rcpts.size(), 0, length, 0));
            rest.writeTo(os);
        }
        Files.setPosixFilePermissions(p, MailQueue.MODE_READY);
        if (!reason.isEmpty()) {
            StringBuilder log = new StringBuilder();
            for (int i = 0; i < rcpts.size(); i++) {
                log.append("\n<").append(rcpts.get(i)).append(">: ").append(reason).append("\nrecipient=").append(rcpts.get(i))
                        .append("\noffset=").append(offsets[i]).append("\ndsn_orig_rcpt=rfc822;")
                        .append(rcpts.get(i)).append("\nstatus=4.4.1\naction=delayed\nreason=").append(reason).append("\n\n");
            }
            Path d = queue.path(QueueName.DEFER, new QueueId(id));
            Files.createDirectories(d.getParent());
            Files.writeString(d, log.toString());
        }
        return p;
    }
}
