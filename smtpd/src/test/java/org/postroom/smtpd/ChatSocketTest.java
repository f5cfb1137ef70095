package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postroom.global.ipc.IpcChannel;
import org.postroom.testkit.WaitFor;

/**
 * The network loop over a real TCP connection, with the same buffered channel streams and deadline the
 * service skeleton gives smtpd: pipelining detection through available(), reply flushing, the timeout.
 */
class ChatSocketTest {
    private ServerSocketChannel listener;
    private final Fakes.Queue queue = new Fakes.Queue();
    private final Fakes.Log log = new Fakes.Log();
    private Thread server;

    @BeforeEach
    void listen() throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void close() throws Exception {
        listener.close();
        if (server != null) server.join(Duration.ofSeconds(10));
    }

    private Socket start(String config) throws IOException {
        SmtpdConfig cfg = Fakes.config(config);
        server = Thread.ofVirtual().start(() -> {
            try (SocketChannel ch = listener.accept(); IpcChannel ipc = new IpcChannel(ch)) {
                SmtpSession s = new SmtpSession(cfg, Fakes.client("127.0.0.1"), new Fakes.Relay(), queue, log, Fakes.CLOCK);
                new Chat(s, new ChannelWire(ipc), cfg).run();
            } catch (IOException e) {
                log.warn("test server: " + e);
            }
        });
        Socket client = new Socket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) listener.getLocalAddress()).getPort());
        client.setSoTimeout(10_000);
        return client;
    }

    private static List<String> read(BufferedReader in, int lines) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines; i++) out.add(in.readLine());
        return out;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    @Test
    void pipelinedTransaction() throws IOException {
        try (Socket c = start("")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("220 mail.example.com ESMTP Postfix", in.readLine());
            send(c, "EHLO c.example\r\n");
            assertEquals("250 CHUNKING", read(in, 10).getLast());
            send(c, "MAIL FROM:<a@example.org>\r\nRCPT TO:<root@example.com>\r\nDATA\r\n");
            assertEquals(List.of("250 2.1.0 Ok", "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>"), read(in, 3));
            send(c, "Subject: test\r\n\r\nhello\r\n.\r\nQUIT\r\n");
            assertEquals(List.of("250 2.0.0 Ok: queued as 64BE1160033", "221 2.0.0 Bye"), read(in, 2));
            assertEquals(null, in.readLine());
        }
        WaitFor.condition("disconnect line", Duration.ofSeconds(10), () -> !log.lines.isEmpty() && log.lines.getLast().startsWith("disconnect"));
        assertEquals("disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5", log.lines.getLast());
    }

    @Test
    void commandsSentAheadOfEhloReplyAreRefused() throws IOException {
        try (Socket c = start("")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("220 mail.example.com ESMTP Postfix", in.readLine());
            send(c, "EHLO c.example\r\nMAIL FROM:<a@example.org>\r\n");
            assertEquals("554 5.5.0 Error: SMTP protocol synchronization", in.readLine());
            assertEquals(null, in.readLine());
        }
        WaitFor.condition("disconnect line", Duration.ofSeconds(10), () -> !log.lines.isEmpty() && log.lines.getLast().startsWith("disconnect"));
        assertTrue(log.lines.contains("improper command pipelining after EHLO from localhost[127.0.0.1]: MAIL FROM:<a@example.org>\\r\\n"),
                log.lines.toString());
    }

    @Test
    void idleClientTimesOut() throws IOException {
        try (Socket c = start("smtpd_timeout = 1s\n")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("220 mail.example.com ESMTP Postfix", in.readLine());
            assertEquals("421 4.4.2 mail.example.com Error: timeout exceeded", in.readLine());
            assertEquals(null, in.readLine());
        }
        WaitFor.condition("disconnect line", Duration.ofSeconds(10), () -> !log.lines.isEmpty() && log.lines.getLast().startsWith("disconnect"));
        assertTrue(log.lines.contains("timeout after CONNECT from localhost[127.0.0.1]"), log.lines.toString());
    }

    @Test
    void tricklingClientTimesOutWithinOneCommandLine() throws Exception {
        try (Socket c = start("smtpd_timeout = 1s\n")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("220 mail.example.com ESMTP Postfix", in.readLine());
            long t0 = System.nanoTime();
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 40; i++) {
                        send(c, "N");
                        Thread.sleep(100);
                    }
                } catch (Exception e) {
                    // the server closed the connection: what the test waits for
                }
            });
            assertEquals("421 4.4.2 mail.example.com Error: timeout exceeded", in.readLine());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 3000, "a byte every 100 ms held the session for " + ms + " ms");
            trickle.join(Duration.ofSeconds(10));
        }
        WaitFor.condition("disconnect line", Duration.ofSeconds(10), () -> !log.lines.isEmpty() && log.lines.getLast().startsWith("disconnect"));
    }
}
