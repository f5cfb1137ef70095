package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.postroom.global.config.MainCf;
import org.postroom.global.proto.cleanup.CleanupStatus;

/**
 * Runs src/test/resources/dialogs/*.dialog against an {@link SmtpSession} in memory (chasquid-style
 * transcripts). Header lines: {@code config: name = value}, {@code client: address},
 * {@code queue: down} (or {@code size}, {@code content TEXT}, {@code defer REASON}, {@code write}:
 * cleanup's refusal). Body lines: {@code C: line} sends a command or a DATA line (CRLF added),
 * {@code D: text} sends raw BDAT octets ({@code \r} and {@code \n} escapes, nothing added),
 * {@code U: text} is input left unread after the next command (pipelining), {@code S: line} expects
 * one exact reply line, {@code S~ prefix} one reply line starting with the prefix, {@code X: closed}
 * expects the session to have ended, {@code L: line} / {@code L~ prefix} expect log lines (in order,
 * checked after the disconnect), {@code Q: record} (or {@code Q~ prefix}) expects a record ("N text") in
 * the last queue file (in order). {@code tls: may|encrypt|wrapper|broken [authonly] [received] [log]} gives the session TLS settings
 * ("broken": no usable certificate); {@code T: ok} completes the handshake the session asked for,
 * {@code T: fail REASON}, {@code T: lost} and {@code T: timeout} (smtpd_starttls_timeout) end it. Lines starting with '#' are comments.
 */
class DialogTest {
    private static final Path DIR = Path.of("src/test/resources/dialogs");

    @TestFactory
    Stream<DynamicTest> dialogs() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".dialog")).sorted().toList();
            assertTrue(all.size() >= 10, "dialog files found: " + all.size());
            return all.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> run(p)));
        }
    }

    private static void run(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        StringBuilder config = new StringBuilder();
        String client = "127.0.0.1";
        Fakes.Queue queue = new Fakes.Queue();
        String tls = null;
        int body = 0;
        for (; body < lines.size(); body++) {
            String l = lines.get(body);
            if (l.startsWith("#") || l.isBlank()) continue;
            if (l.startsWith("config:")) config.append(l.substring(7).strip()).append('\n');
            else if (l.startsWith("client:")) client = l.substring(7).strip();
            else if (l.startsWith("queue:")) queue(queue, l.substring(6).strip());
            else if (l.startsWith("tls:")) tls = l.substring(4).strip();
            else break;
        }
        Fakes.Log log = new Fakes.Log();
        SmtpSession s = new SmtpSession(Fakes.config(config.toString()), Fakes.client(client), new Fakes.Relay(), queue, log, Fakes.CLOCK);
        if (tls != null) s.useTls(tls(tls));
        SmtpdSasl sasl = SmtpdSasl.from(MainCf.parse(Path.of("/nonexistent/main.cf"), Fakes.BASE_CONFIG + config, java.util.Map.of(), w -> { }),
                Path.of("/nonexistent"));
        if (sasl.enabled()) s.useSasl(sasl, sasl.open("127.0.0.1", java.time.Duration.ZERO));
        Deque<String> replies = new ArrayDeque<>();
        List<String> logWanted = new ArrayList<>();
        List<String> queueWanted = new ArrayList<>();
        Feeder feeder = new Feeder(s, replies);
        feeder.add(s.greet());
        if (tls != null && tls.startsWith("wrapper")) s.tlsStarted(HANDSHAKE);
        String unread = "";
        for (int i = body; i < lines.size(); i++) {
            String l = lines.get(i);
            String where = file.getFileName() + ":" + (i + 1) + ": ";
            if (l.startsWith("#") || l.isEmpty()) continue;
            if (l.length() < 3) fail(where + "bad line: " + l);
            String arg = l.substring(3);
            switch (l.substring(0, 3)) {
                case "C: " -> {
                    feeder.send(arg, unread, where);
                    unread = "";
                }
                case "D: " -> feeder.raw(arg.replace("\\r", "\r").replace("\\n", "\n"), where);
                case "U: " -> unread = arg;
                case "S: " -> assertEquals(arg, next(replies, where), where + "reply");
                case "S~ " -> {
                    String got = next(replies, where);
                    assertTrue(got.startsWith(arg), where + "reply \"" + got + "\" does not start with \"" + arg + "\"");
                }
                case "X: " -> assertInstanceOf(Phase.Closed.class, s.phase(), where + "session should be closed");
                case "L: ", "L~ " -> logWanted.add(l);
                case "Q: ", "Q~ " -> queueWanted.add(l);
                case "T: " -> {
                    assertInstanceOf(Phase.StartTls.class, s.phase(), where + "no handshake was asked for");
                    if (arg.equals("ok")) s.tlsStarted(HANDSHAKE);
                    else if (arg.equals("lost")) s.tlsFailed(null);
                    else if (arg.equals("timeout")) s.tlsTimedOut();
                    else s.tlsFailed(arg.replaceFirst("^fail ", ""));
                }
                default -> fail(where + "bad line: " + l);
            }
        }
        assertTrue(replies.isEmpty(), file.getFileName() + ": unexpected replies " + replies);
        s.disconnect();
        subsequence(file + " log", logWanted, log.lines);
        if (!queueWanted.isEmpty()) {
            subsequence(file + " queue file", queueWanted, queue.lastRecords());
        }
    }

    static final TlsInfo HANDSHAKE = new TlsInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384", "");

    private static SmtpdTls tls(String spec) {
        List<String> w = List.of(spec.split("\\s+"));
        SmtpdTls.Level level = w.getFirst().equals("encrypt") ? SmtpdTls.Level.ENCRYPT : SmtpdTls.Level.MAY;
        try {
            return SmtpdTls.of(level, w.getFirst().equals("wrapper"), w.contains("authonly"), w.contains("received"), w.contains("log") ? 1 : 0,
                    w.getFirst().equals("broken") ? null : javax.net.ssl.SSLContext.getDefault());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** "down": cleanup cannot be reached; "size" / "content TEXT": cleanup refuses the message. */
    private static void queue(Fakes.Queue queue, String how) {
        if (how.equals("down")) queue.down = true;
        else if (how.equals("size")) queue.result = new CleanupStatus(CleanupStatus.STAT_SIZE, "");
        else if (how.startsWith("content ")) queue.result = new CleanupStatus(CleanupStatus.STAT_CONT, how.substring(8));
        else if (how.startsWith("defer ")) queue.result = new CleanupStatus(CleanupStatus.STAT_DEFER, how.substring(6));
        else if (how.equals("write")) queue.result = new CleanupStatus(CleanupStatus.STAT_WRITE, "4.6.0 Alias expansion error");
        else fail("bad queue: line: " + how);
    }

    private static String next(Deque<String> replies, String where) {
        if (replies.isEmpty()) fail(where + "expected a reply, got none");
        return replies.poll();
    }

    /** Each wanted "X: text" / "X~ prefix" line must match, in order, some line of {@code got}. */
    private static void subsequence(String what, List<String> wanted, List<String> got) {
        int at = 0;
        for (String w : wanted) {
            boolean prefix = w.charAt(1) == '~';
            String text = w.substring(3);
            boolean found = false;
            while (at < got.size() && !found) {
                String g = got.get(at++);
                found = prefix ? g.startsWith(text) : g.equals(text);
            }
            if (!found) fail(what + ": no line " + (prefix ? "starting with " : "") + "\"" + text + "\" in order in:\n  " + String.join("\n  ", got));
        }
    }

    /** Drives the session through its phases the way the network loop does. */
    private static final class Feeder {
        private final SmtpSession s;
        private final Deque<String> replies;
        private DataDecoder decoder;
        private long chunkLeft;

        Feeder(SmtpSession s, Deque<String> replies) {
            this.s = s;
            this.replies = replies;
        }

        void add(Step step) {
            for (SmtpReply r : step.replies()) replies.addAll(r.lines());
        }

        void send(String line, String unread, String where) {
            switch (s.phase()) {
                case Phase.Command c -> {
                    add(s.command(line, unread));
                    if (s.phase() instanceof Phase.Data) decoder = new DataDecoder(s.bareNewline());
                    if (s.phase() instanceof Phase.Chunk ch) chunkLeft = ch.size();
                    if (s.phase() instanceof Phase.Chunk && chunkLeft == 0) add(s.endChunk());
                }
                case Phase.Data d -> {
                    switch (decoder.decode(new Line(line.getBytes(StandardCharsets.UTF_8), Line.End.CRLF))) {
                        case DataDecoder.Item.Text(byte[] b, boolean complete) -> s.content(b, complete);
                        case DataDecoder.Item.End e -> add(s.endData(false));
                        case DataDecoder.Item.Dropped dropped -> { }
                    }
                }
                case Phase.Chunk c -> raw(line + "\r\n", where);
                case Phase.StartTls t -> fail(where + "a TLS handshake (T:) is due");
                case Phase.Closed c -> fail(where + "session is closed");
            }
        }

        void raw(String text, String where) {
            if (!(s.phase() instanceof Phase.Chunk)) fail(where + "raw data outside BDAT");
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            if (b.length > chunkLeft) fail(where + "more data than the BDAT count");
            s.chunk(b, 0, b.length);
            chunkLeft -= b.length;
            if (chunkLeft == 0) add(s.endChunk());
        }
    }
}
