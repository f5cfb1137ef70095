package org.postroom.smtpd;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postroom.global.config.MainCf;
import org.postroom.global.proto.cleanup.CleanupStatus;
import org.postroom.global.proto.rewrite.ResolveReply;
import org.postroom.global.record.Record;
import org.postroom.global.record.RecordReader;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;

/** In-memory stand-ins for trivial-rewrite, cleanup and the maillog, and a test configuration. */
final class Fakes {
    private Fakes() {}

    static final String BASE_CONFIG = """
            myhostname = mail.example.com
            mydomain = example.com
            compatibility_level = 3.6
            mynetworks = 127.0.0.0/8 [::1]/128
            local_recipient_maps =
            """;

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T19:09:35.174110Z"), ZoneId.of("UTC"));

    static SmtpdConfig config(String extra) {
        return SmtpdConfig.from(MainCf.parse(Path.of("/nonexistent/main.cf"), BASE_CONFIG + extra, Map.of(), w -> {}));
    }

    static ClientInfo client(String address) {
        InetAddress a = InetAddress.ofLiteral(address);
        return ClientInfo.of(new InetSocketAddress(a, 47310), a.isLoopbackAddress());
    }

    /**
     * trivial-rewrite's classes: local (mail.example.com, example.com, localhost, no domain), virtual
     * mailbox (vmail.example), virtual alias (valias.example), relay (relay.example), else default;
     * "down.example" fails as a table lookup would.
     */
    static final class Relay implements RelayPolicy {
        private static final Set<String> OURS = Set.of("mail.example.com", "example.com", "localhost");

        @Override
        public ResolveReply resolve(String sender, String recipient) {
            int at = recipient.lastIndexOf('@');
            String domain = at < 0 ? "mail.example.com" : recipient.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
            String rcpt = (at < 0 ? recipient + "@mail.example.com" : recipient).toLowerCase(java.util.Locale.ROOT);
            if (OURS.contains(domain)) return new ResolveReply("local", "mail.example.com", rcpt, ResolveReply.CLASS_LOCAL);
            return switch (domain) {
                case "vmail.example" -> new ResolveReply("virtual", domain, rcpt, ResolveReply.CLASS_VIRTUAL);
                case "valias.example" -> new ResolveReply("error", "5.1.1 User unknown in virtual alias table", rcpt,
                        ResolveReply.CLASS_ALIAS);
                case "relay.example" -> new ResolveReply("relay", domain, rcpt, ResolveReply.CLASS_RELAY);
                case "down.example" -> new ResolveReply("retry", "4.3.0 address resolver failure", rcpt, ResolveReply.FLAG_FAIL);
                default -> new ResolveReply("smtp", domain, rcpt, ResolveReply.CLASS_DEFAULT);
            };
        }
    }

    /** Queue files as byte arrays; "down" makes open() fail like an unreachable cleanup service. */
    static final class Queue implements QueueSink {
        boolean down;
        CleanupStatus result = CleanupStatus.OK;
        int opened;
        int aborted;
        final List<byte[]> finished = new ArrayList<>();
        long free = -1;

        @Override
        public long freeSpace() {
            return free;
        }

        @Override
        public Stream open() throws IOException {
            if (down) throw new IOException("connect to public/cleanup: Connection refused");
            String id = String.format("64BE116%04X", 0x33 + opened++);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            RecordWriter w = new RecordWriter(bytes);
            return new Stream() {
                @Override
                public String queueId() {
                    return id;
                }

                @Override
                public RecordWriter records() {
                    return w;
                }

                @Override
                public CleanupStatus finish() {
                    finished.add(bytes.toByteArray());
                    return result;
                }

                @Override
                public void abort() {
                    aborted++;
                }
            };
        }

        /** The records of the last finished file as "T text" strings. */
        List<String> lastRecords() throws IOException {
            List<String> out = new ArrayList<>();
            RecordReader r = new RecordReader(new ByteArrayInputStream(finished.getLast()));
            while (true) {
                Record rec = r.next(1 << 20);
                if (rec == null) break;
                out.add(rec.type().code + " " + rec.text());
                if (rec.type() == RecordType.END) break;
            }
            return out;
        }
    }

    static final class Log implements SessionLog {
        final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void info(String text) {
            lines.add(text);
        }

        @Override
        public void warn(String text) {
            lines.add("warning: " + text);
        }
    }
}
