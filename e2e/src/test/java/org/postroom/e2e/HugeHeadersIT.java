package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.PostfixServer;
import org.postroom.testkit.WaitFor;

/**
 * Headers as a hostile client sends them (issue 16, items 2 and 3): one header far over
 * header_size_limit followed by 100,000 more headers, compared with a private Debian Postfix (the
 * same header section must be queued: the huge header truncated the same way, every later header
 * still a header); and 25 parallel messages with a 9.5 MB header line each, which cleanup must take
 * without running out of memory, without a restart and without leaving files in incoming/.
 */
class HugeHeadersIT {
    private static final String RCPT = MailSystem.localUser() + "@localhost";

    @Test
    void oversizedHeaderAndAHundredThousandHeadersAsPostfix() throws Exception {
        assumeTrue(MailSystem.isRoot() && PostfixServer.available(), "needs root and Debian's postfix");
        StringBuilder m = new StringBuilder();
        m.append("From: a@example.org\r\nTo: ").append(RCPT).append("\r\nSubject: huge\r\nMessage-Id: <huge@example.org>\r\n")
                .append("Date: Wed, 2 Dec 2026 10:00:00 +0000\r\n");
        m.append("X-Huge: ").append("h".repeat(300_000)).append("\r\n\tfolded after the huge part\r\n");
        m.append("X-Folded: first\r\n second\r\n");
        for (int i = 0; i < 100_000; i++) m.append("X-H").append(i).append(": v\r\n");
        m.append("Subject-After: still a header\r\n\r\nbody\r\n");
        String cf = "mynetworks = 127.0.0.0/8\n";
        try (MailSystem pr = MailSystem.create(cf); PostfixServer pf = PostfixServer.start(MailSystem.freePort(), cf)) {
            pr.start();
            assertEquals("250", send(pr.port(), m.toString()).substring(0, 3));
            assertEquals("250", send(pf.port(), m.toString()).substring(0, 3));
            WaitFor.condition("Postfix holds 1", Duration.ofSeconds(30), () -> held(pf) == 1);
            Path md = pr.spoolMaildir(MailSystem.localUser());
            WaitFor.condition("Postroom delivers 1", Duration.ofSeconds(60), () -> MailSystem.maildir(md).size() == 1);
            List<String> pfHeaders = headerLines(pf.headers(pf.held().getFirst()));
            String delivered = Files.readString(MailSystem.maildir(md).getFirst(), StandardCharsets.ISO_8859_1);
            List<String> prHeaders = headerLines(delivered.substring(0, delivered.indexOf("\n\n") + 1));
            assertEquals(100_008, pfHeaders.size(), "Postfix keeps every header a header");
            for (int i = 0; i < Math.min(pfHeaders.size(), prHeaders.size()); i++) {
                assertEquals(cut(pfHeaders.get(i)), cut(prHeaders.get(i)), "header " + i);
                assertEquals(pfHeaders.get(i), prHeaders.get(i), "header " + i);
            }
            assertEquals(pfHeaders.size(), prHeaders.size(), "number of headers");
            String huge = prHeaders.stream().filter(h -> h.startsWith("X-Huge:")).findFirst().orElseThrow();
            assertTrue(huge.length() < 110_000 && huge.length() >= 102_400, "truncated near header_size_limit: " + huge.length());
            assertTrue(delivered.endsWith("\n\nbody\n"), "the body is the body");
        }
    }

    @Test
    void parallelHugeHeadersDoNotExhaustCleanup() throws Exception {
        assumeTrue(MailSystem.isRoot(), "needs root");
        int n = 25;
        try (MailSystem pr = MailSystem.create("mynetworks = 127.0.0.0/8\n")) {
            pr.start();
            // cleanup starts with its first client (master holds its socket): one small message first
            assertTrue(send(pr.port(), "Subject: first\r\n\r\nbody\r\n").startsWith("250 "), "first message");
            long cleanupPid = pr.service("cleanup").pid();
            String message = "Subject: big\r\nX-Big: " + "b".repeat(9_500_000) + "\r\n\r\nbody\r\n";
            List<String> replies = new ArrayList<>();
            try (ExecutorService ex = Executors.newFixedThreadPool(n)) {
                List<Future<String>> fs = new ArrayList<>();
                for (int i = 0; i < n; i++) fs.add(ex.submit(() -> send(pr.port(), message)));
                for (Future<String> f : fs) replies.add(f.get());
            }
            for (String r : replies) assertTrue(r.startsWith("250 2.0.0 Ok: queued as "), "reply: " + r + "\nlog:\n" + tail(pr.log()));
            Path md = pr.spoolMaildir(MailSystem.localUser());
            WaitFor.condition(n + " delivered", Duration.ofSeconds(120), () -> MailSystem.maildir(md).size() == n + 1);
            assertEquals(cleanupPid, pr.service("cleanup").pid(), "cleanup was not restarted");
            assertFalse(pr.log().contains("OutOfMemoryError"), "no OutOfMemoryError");
            WaitFor.condition("incoming/ and active/ empty", Duration.ofSeconds(30),
                    () -> files(pr.root().resolve("queue/incoming")) == 0 && files(pr.root().resolve("queue/active")) == 0);
        }
    }

    private static long files(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    private static String cut(String h) {
        return h.length() > 200 ? h.substring(0, 100) + "...(" + h.length() + ")..." + h.substring(h.length() - 100) : h;
    }

    private static int held(PostfixServer pf) {
        try {
            return pf.held().size();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Logical header lines, without those the two systems add themselves. */
    private static List<String> headerLines(String section) {
        List<String> logical = new ArrayList<>();
        for (String l : section.split("\n")) {
            if (l.isEmpty()) continue;
            if ((l.startsWith(" ") || l.startsWith("\t")) && !logical.isEmpty()) logical.set(logical.size() - 1, logical.getLast() + "\n" + l);
            else logical.add(l);
        }
        return logical.stream().filter(h -> !h.startsWith("Received:") && !h.startsWith("Return-Path:")
                && !h.startsWith("Delivered-To:") && !h.startsWith("X-Original-To:")).toList();
    }

    /** One SMTP transaction; returns the reply to the end of DATA. */
    static String send(int port, String message) throws IOException {
        return sendFrom("127.0.0.1", port, message);
    }

    /** The same, from a given loopback source address. */
    static String sendFrom(String from, int port, String message) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(from), 0));
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(120_000);
            InputStream in = s.getInputStream();
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
            reply(in);
            for (String c : List.of("HELO c.example", "MAIL FROM:<a@example.org>", "RCPT TO:<" + RCPT + ">", "DATA")) {
                out.write((c + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String r = reply(in);
                if (!r.startsWith("2") && !r.startsWith("3")) return c + ": " + r;
            }
            out.write(message.getBytes(StandardCharsets.ISO_8859_1));
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String r = reply(in);
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return r;
        }
    }

    private static String reply(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) return b + line.toString() + "<EOF>";
                if (c != '\r') line.append((char) c);
            }
            b.append(line);
            if (line.length() < 4 || line.charAt(3) != '-') return b.toString();
            b.append(" | ");
        }
    }
}
