package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.postroom.global.proto.cleanup.CleanupStatus;
import org.postroom.global.record.RecordWriter;

/**
 * Fuzzes the whole SMTP engine ({@link Chat} over {@link SmtpSession}) with arbitrary client bytes. The
 * client is 203.0.113.5, outside mynetworks, so smtpd_forbid_bare_newline = normalize applies to it.
 * The input arrives one line (up to and including LF) per read, as from a client that waits for each
 * reply, and only after the 220 greeting has been written: earlier input would be an early talker.
 *
 * <p>Invariants: every reply line is a well-formed SMTP reply (three digits, then nothing, a space or a
 * dash; at most 512 octets with its CRLF; no CR, LF or NUL inside); no
 * RuntimeException or Error escapes; the session ends once the input is exhausted; each message handed
 * to the queue is answered by exactly one "queued as" reply; and a DATA message is queued only at a "."
 * line that is ended by CRLF and is the first content line or follows a line ended by CRLF (no SMTP
 * smuggling). Log lines are not
 * checked: raw client text in them is made printable by {@code Msg}, as Postfix's msg_output does. Seeds are the
 * client side of the dialogs in src/test/resources/dialogs and the smuggling variants of ChatTest.
 */
class SmtpFuzzTest {
    private static final String CONFIG = """
            smtpd_error_sleep_time = 0s
            message_size_limit = 200000
            """;
    private static final SmtpdConfig CFG = Fakes.config(CONFIG);
    private static final Pattern REPLY_LINE = Pattern.compile("[2-5][0-9][0-9]([ -].*)?", Pattern.DOTALL);

    /** Client input cut after every LF; nothing is available before the greeting has been written. */
    private static final class FuzzWire implements Wire {
        private final byte[] data;
        SmtpSession session;
        /** Where the current DATA content started, or -1 outside DATA. */
        int dataStart = -1;
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        int pos;
        private final OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                written.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                written.write(b, off, len);
            }
        };
        private final InputStream in = new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException("byte-wise read");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (written.size() == 0) fail("read before the greeting was written");
                if (len == 0) return 0;
                if (!(session.phase() instanceof Phase.Data)) dataStart = -1;
                else if (dataStart < 0) dataStart = pos;
                if (pos >= data.length) return -1;
                int n = Math.min(len, pieceEnd() - pos);
                System.arraycopy(data, pos, b, off, n);
                pos += n;
                return n;
            }

            @Override
            public int available() {
                return FuzzWire.this.available();
            }
        };

        FuzzWire(byte[] data) {
            this.data = data;
        }

        private int pieceEnd() {
            int e = pos;
            while (e < data.length && data[e] != '\n') e++;
            return Math.min(data.length, e + 1);
        }

        @Override
        public InputStream in() {
            return in;
        }

        @Override
        public OutputStream out() {
            return out;
        }

        /** The rest of the current line once the greeting is out; 0 at a line start (the next line is not here yet). */
        @Override
        public int available() {
            if (written.size() == 0 || pos >= data.length || pos == 0 || data[pos - 1] == '\n') return 0;
            return pieceEnd() - pos;
        }

        @Override
        public void deadline(Duration d) {
        }

        @Override
        public boolean expired() {
            return false;
        }

        /**
         * Whether data[0, end) ends with a "." line ended by CR LF that is the first content line or
         * follows a content line ended by CR LF. As in Postfix (smtpd.c receive_data, prev_got_bare_lf
         * starts at 0), how the DATA command line itself ended does not count.
         */
        boolean endsWithStandardEndOfData(int end) {
            if (end < 3 || data[end - 3] != '.' || data[end - 2] != '\r' || data[end - 1] != '\n') return false;
            return end - 3 == dataStart || (end - 3 > dataStart && data[end - 5] == '\r' && data[end - 4] == '\n');
        }
    }

    /** A queue sink that checks, when a message is finished, how its DATA content ended. */
    private static final class CheckingQueue implements QueueSink {
        FuzzWire wire;
        SmtpSession session;
        int opened;
        int finished;

        @Override
        public Stream open() {
            String id = String.format("64BE116%04X", 0x33 + opened++);
            RecordWriter w = new RecordWriter(OutputStream.nullOutputStream());
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
                    if (session.phase() instanceof Phase.Data && !wire.endsWithStandardEndOfData(wire.pos)) {
                        fail("DATA message queued without <CR><LF>.<CR><LF> at input offset " + wire.pos);
                    }
                    finished++;
                    return CleanupStatus.OK;
                }

                @Override
                public void abort() {
                }
            };
        }
    }

    @FuzzTest(maxDuration = "20m")
    void clientInput(byte[] input) throws IOException {
        CheckingQueue queue = new CheckingQueue();
        Fakes.Log log = new Fakes.Log();
        SmtpSession s = new SmtpSession(CFG, Fakes.client("203.0.113.5"), new Fakes.Relay(), queue, log, Fakes.CLOCK);
        FuzzWire wire = new FuzzWire(input);
        queue.wire = wire;
        wire.session = s;
        queue.session = s;
        new Chat(s, wire, CFG).run();

        assertTrue(s.phase() instanceof Phase.Closed || wire.pos >= input.length, "session ended before its input: " + s.phase());
        byte[] out = wire.written.toByteArray();
        List<String> lines = replyLines(out);
        assertTrue(!lines.isEmpty() && lines.getFirst().startsWith("220 "), "no greeting: " + lines);
        int queued = 0;
        for (String l : lines) {
            int octets = l.getBytes(StandardCharsets.UTF_8).length + 2;
            assertTrue(octets <= 512, "reply line of " + octets + " octets: " + l);
            assertTrue(REPLY_LINE.matcher(l).matches(), "malformed reply line: " + l);
            assertTrue(l.indexOf('\r') < 0 && l.indexOf('\n') < 0 && l.indexOf('\0') < 0, "CR, LF or NUL in reply: " + l);
            if (l.startsWith("250 ") && l.contains(" queued as ")) queued++;
        }
        assertEquals(queue.finished, queued, "messages queued vs. \"queued as\" replies: " + lines);
        assertTrue(log.lines.getLast().startsWith("disconnect from "), "no disconnect line: " + log.lines);
    }

    /** The output split at CR LF; a trailing piece without CR LF is a line too (and fails the checks). */
    private static List<String> replyLines(byte[] out) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i + 1 < out.length; i++) {
            if (out[i] == '\r' && out[i + 1] == '\n') {
                lines.add(new String(out, start, i - start, StandardCharsets.UTF_8));
                start = i + 2;
                i++;
            }
        }
        if (start < out.length) lines.add(new String(out, start, out.length - start, StandardCharsets.UTF_8) + "\r(no CRLF)");
        return lines;
    }
}
