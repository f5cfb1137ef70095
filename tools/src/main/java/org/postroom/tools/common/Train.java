package org.postroom.tools.common;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;
import org.postroom.tools.postcat.Postcat;
import org.postroom.tools.postconf.Postconf;
import org.postroom.tools.postqueue.Postqueue;
import org.postroom.tools.postsuper.Postsuper;
import org.postroom.tools.sendmail.Sendmail;

/**
 * The training run for the tools' AOT caches (JDK 25 -XX:AOTCacheOutput, built by the dist module):
 * runs postconf, postqueue, postcat, postsuper and sendmail (or only the tools named as arguments) on a
 * throw-away instance, so that the classes they load and link at start-up are in the cache. Output is
 * discarded. A cache holds only what its training used, and the JVM loads all of it at start-up, so the
 * most used tools get a cache of their own (lib/postconf.aot etc.), the others share lib/tools.aot.
 */
public final class Train {
    private Train() {}

    public static void main(String[] args) throws IOException {
        Path root = Files.createTempDirectory("postroom-train");
        PrintStream out = System.out, err = System.err;
        InputStream in = System.in;
        try {
            String user = System.getProperty("user.name");
            Path q = root.resolve("queue");
            for (String d : List.of("maildrop", "incoming", "active", "deferred/A", "hold", "defer/A", "public", "pid")) {
                Files.createDirectories(q.resolve(d));
            }
            Files.writeString(root.resolve("main.cf"), "queue_directory = " + q + "\nmail_owner = " + user
                    + "\nmyhostname = train.example\nmydestination = $myhostname, localhost\nmaillog_file = " + root.resolve("maillog") + "\n");
            Files.writeString(root.resolve("maillog"), "");
            Files.writeString(root.resolve("master.cf"), "smtp      inet  n       -       n       -       -       smtpd\n"
                    + "relay     unix  -       -       n       -       -       smtp\n        -o syslog_name=postfix/$service_name\n");
            queueFile(q.resolve("deferred/A/A1B2C3D4E"));
            Files.writeString(q.resolve("defer/A/A1B2C3D4E"), "\n<b@example.org>: connect refused\nrecipient=b@example.org\n"
                    + "offset=60\nstatus=4.4.1\naction=delayed\nreason=connect to example.org: Connection refused\n\n");
            PrintStream nul = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
            System.setOut(nul);
            System.setErr(nul);
            String c = root.toString();
            Warm.unixSockets();
            List<String> tools = args.length == 0 ? List.of("postconf", "postqueue", "postcat", "postsuper", "sendmail") : List.of(args);
            if (tools.contains("postconf")) {
                Postconf.run(new String[] {"-c", c, "-n"});
                Postconf.run(new String[] {"-c", c});
                Postconf.run(new String[] {"-c", c, "-d", "mydestination"});
                Postconf.run(new String[] {"-c", c, "-Mf"});
                Postconf.run(new String[] {"-c", c, "-Z"});
            }
            if (tools.contains("postqueue")) {
                Postqueue.run(new String[] {"-c", c, "-p"}); // mail system down: the queue read directly
                Postqueue.run(new String[] {"-c", c, "-j"});
            }
            // the paths of a running system: listings from showq, sendmail waking pickup
            Services services = new Services(q.resolve("public"));
            try {
                if (tools.contains("postqueue")) {
                    Postqueue.run(new String[] {"-c", c, "-p"});
                    Postqueue.run(new String[] {"-c", c, "-j"});
                }
                if (tools.contains("postcat")) Postcat.run(new String[] {"-c", c, "-q", "A1B2C3D4E"});
                if (tools.contains("postsuper")) {
                    Postsuper.run(new String[] {"-c", c, "-h", "A1B2C3D4E"});
                    Postsuper.run(new String[] {"-c", c, "-H", "ALL"});
                }
                if (tools.contains("sendmail")) {
                    System.setIn(new ByteArrayInputStream("Subject: train\n\nbody\n".getBytes(StandardCharsets.US_ASCII)));
                    Sendmail.run(new String[] {"-C", c, "-f", "a@example.org", "b@example.org"});
                }
            } finally {
                services.close();
            }
            // loaded, not run (it halts): every tool ends through it
            System.out.print(Exit.class.getName());
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** A deferred queue file with a correct C record (content length and data offset). */
    private static void queueFile(Path p) throws IOException {
        java.io.ByteArrayOutputStream rest = new java.io.ByteArrayOutputStream();
        long sizeRecord = 97; // 'C', one length byte, six %15d fields and five blanks
        RecordWriter w = new RecordWriter(rest, sizeRecord);
        w.put(RecordType.TIME, "1795288289 0");
        w.attr("create_time", "1795288289");
        w.put(RecordType.FROM, "a@example.org");
        w.put(RecordType.RCPT, "b@example.org");
        w.put(RecordType.MESG, "");
        long data = w.offset();
        w.put(RecordType.NORM, "Subject: x");
        w.put(RecordType.NORM, "");
        w.put(RecordType.NORM, "body");
        long length = w.offset() - data;
        w.put(RecordType.XTRA, "");
        w.put(RecordType.END, "");
        try (OutputStream os = Files.newOutputStream(p)) {
            new RecordWriter(os).put(RecordType.SIZE, String.format("%15d %15d %15d %15d %15d %15d", length, data, 1, 0, length, 0));
            rest.writeTo(os);
        }
        Files.setPosixFilePermissions(p, MailQueue.MODE_READY);
    }
}
