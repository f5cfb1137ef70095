package org.postroom.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postroom.global.config.MainCf;
import org.postroom.global.proto.cleanup.CleanupStatus;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.rewrite.ResolveReply;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.global.record.Record;
import org.postroom.global.record.RecordReader;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;
import org.postroom.service.ServiceContext;
import org.postroom.util.Passwd;
import org.postroom.util.Posix;

/** A queue directory, spool, users and configuration in a temporary directory, and synthetic queue files. */
final class Fixture {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T19:09:35.123456Z"), ZoneOffset.UTC);
    /** Content records longer than this are split into L pieces, so that tests exercise L+N joining. */
    static final int PIECE = 50;

    final Path root;
    final Path queueDir;
    final Path spool;
    final Path aliases;
    final Map<String, Passwd.Entry> users = new HashMap<>();
    private int serial;

    Fixture(Path root) throws IOException {
        this.root = root;
        this.queueDir = Files.createDirectories(root.resolve("queue/active")).getParent();
        // the bounce and trace logs bounced and NOTIFY=SUCCESS recipients are recorded in
        org.postroom.global.proto.bounce.BounceAppend.listen(queueDir);
        this.spool = Files.createDirectories(root.resolve("spool"));
        this.aliases = root.resolve("aliases");
        Files.writeString(aliases, "");
        Files.createDirectories(root.resolve("home/joe"));
        user("root", 0, root.resolve("root").toString());
        user("joe", 1000, root.resolve("home/joe").toString());
        user("ann", 1001, root.resolve("home/ann").toString());
        user("nobody", 65534, "/nonexistent");
        int me = Posix.geteuid();
        if (me != 0 && users.values().stream().noneMatch(e -> e.uid() == me)) user("tester", me, root.toString());
    }

    void user(String name, int uid, String home) {
        users.put(name, new Passwd.Entry(name, uid, uid, name, home, "/bin/sh"));
    }

    Users users() {
        return new Users() {
            @Override
            public Optional<Passwd.Entry> byName(String name) {
                return Optional.ofNullable(users.get(name));
            }

            @Override
            public Optional<Passwd.Entry> byUid(int uid) {
                return users.values().stream().filter(e -> e.uid() == uid).findFirst();
            }
        };
    }

    String mainCf(String extra) {
        return "queue_directory = " + queueDir + "\n"
                + "mail_spool_directory = " + spool + "\n"
                + "myhostname = mail.example.com\nmydomain = example.com\n"
                + "mydestination = $myhostname, localhost\n"
                + "alias_maps = texthash:" + aliases + "\n"
                + "deliver_lock_attempts = 3\n"
                + extra;
    }

    MainCf config(String extra) {
        return MainCf.parse(root.resolve("main.cf"), mainCf(extra), Map.of(), w -> { });
    }

    /** A local(8) that does not act as root, with the fixed clock. */
    Local local(String extra) {
        return local(extra, new Privileges(false));
    }

    Local local(String extra, Privileges privs) {
        return new Local(new ServiceContext(config(extra), "local", "unix", 2, false), users(), CLOCK, privs, "vm",
                this::resolve, submitter);
    }

    /** trivial-rewrite stand-in: bare names get @mail.example.com; mail.example.com and localhost are local. */
    ResolveReply resolve(String address) throws IOException {
        if (address.endsWith("@resolver.down")) throw new IOException("connect to private/rewrite: Connection refused");
        String a = address.indexOf('@') < 0 ? address + "@mail.example.com" : address;
        String domain = a.substring(a.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
        boolean local = domain.equals("mail.example.com") || domain.equals("localhost");
        return local ? new ResolveReply("local", "mail.example.com", a, ResolveReply.CLASS_LOCAL)
                : new ResolveReply("smtp", domain, a, ResolveReply.CLASS_DEFAULT);
    }

    /** Messages resubmitted through the fake cleanup: their records as "T text" lines. */
    final List<List<String>> submitted = new ArrayList<>();
    boolean cleanupDown;

    final Forwarder.Submitter submitter = () -> {
        if (cleanupDown) throw new IOException("connect to public/cleanup: Connection refused");
        String id = "F1" + (submitted.size() + 1);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        RecordWriter w = new RecordWriter(bytes);
        return new Forwarder.Submission() {
            @Override
            public String queueId() {
                return id;
            }

            @Override
            public RecordWriter records() {
                return w;
            }

            @Override
            public CleanupStatus finish() throws IOException {
                List<String> recs = new ArrayList<>();
                RecordReader r = new RecordReader(new java.io.ByteArrayInputStream(bytes.toByteArray()));
                for (Record rec = r.next(1 << 20); rec != null; rec = r.next(1 << 20)) recs.add(rec.type().code + " " + rec.text());
                submitted.add(recs);
                return CleanupStatus.OK;
            }

            @Override
            public void close() {}
        };
    };

    /** One recipient: original address (may be empty) and address. */
    record Rcpt(String orig, String address) {}

    /** Writes a queue file into active/ and returns the delivery request for it. */
    DeliverRequest queueFile(String sender, List<Rcpt> rcpts, List<String> lines) throws IOException {
        String id = "1A2B3C" + (++serial);
        Path file = queueDir.resolve("active").resolve(id);
        List<DeliverRequest.Recipient> out = new ArrayList<>();
        long dataOffset;
        try (OutputStream os = Files.newOutputStream(file)) {
            RecordWriter w = new RecordWriter(os);
            w.put(RecordType.SIZE, String.format("%15d %15d %15d %15d %15d %15d", 0, 0, rcpts.size(), 0, 0, 0));
            w.put(RecordType.TIME, "1795288307 174110");
            w.attr("create_time", "1795288307");
            w.put(RecordType.FROM, sender);
            for (Rcpt r : rcpts) {
                if (!r.orig().isEmpty()) w.put(RecordType.ORCP, r.orig());
                long at = w.put(RecordType.RCPT, r.address());
                out.add(new DeliverRequest.Recipient(at, r.orig(), r.address()));
            }
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
        long now = CLOCK.millis();
        return new DeliverRequest(QueueName.ACTIVE, new QueueId(id), dataOffset, 100, "mail.example.com", "",
                sender, now - 2000, now - 1000, "localhost", "127.0.0.1", out);
    }

    DeliverRequest queueFile(String sender, String rcpt, List<String> lines) throws IOException {
        return queueFile(sender, List.of(new Rcpt(rcpt, rcpt)), lines);
    }

    static final List<String> SIMPLE = List.of("Received: by mail.example.com (Postfix)", "Subject: hi", "", "body");

    Path file(DeliverRequest r) {
        return queueDir.resolve("active").resolve(r.queueId().value());
    }

    /** The type byte of the record at {@code offset} ('R' or 'D'). */
    char recordType(DeliverRequest r, long offset) throws IOException {
        return (char) Files.readAllBytes(file(r))[(int) offset];
    }

    String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
