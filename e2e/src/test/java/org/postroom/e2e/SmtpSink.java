package org.postroom.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal SMTP server on 127.0.0.1 that accepts everything and counts. A transaction counts as open
 * from MAIL FROM until just before the reply to the final dot, so that a delivery agent cannot have
 * heard of its end while it is still counted: {@link #maxOpen()} is the true peak of concurrent
 * deliveries. When holding, each transaction waits after the final dot until {@link #release()} hands
 * it a permit.
 */
final class SmtpSink implements AutoCloseable {
    private final ServerSocket server;
    private final boolean hold;
    private final Semaphore permits = new Semaphore(0);
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> recipients = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> mailTimes = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> doneTimes = new ConcurrentLinkedQueue<>();
    private volatile long firstConnection;

    /** Listens on {@code port} (0: any free one); {@code hold}: each transaction waits for a permit. */
    SmtpSink(int port, boolean hold) throws IOException {
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
        this.hold = hold;
        Thread.ofVirtual().name("sink-" + port()).start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Transactions between MAIL FROM and the reply to the final dot, now. */
    int open() {
        return open.get();
    }

    int maxOpen() {
        return maxOpen.get();
    }

    /** Transactions begun (MAIL FROM received). */
    int started() {
        return started.get();
    }

    int connections() {
        return connections.get();
    }

    /** System.nanoTime() of the first connection; 0 when there was none. */
    long firstConnection() {
        return firstConnection;
    }

    /** RCPT TO addresses of the messages accepted, in order. */
    List<String> recipients() {
        return List.copyOf(recipients);
    }

    /** System.nanoTime() of each MAIL FROM, and of each reply to a final dot, in order. */
    List<Long> mailTimes() {
        return List.copyOf(mailTimes);
    }

    List<Long> doneTimes() {
        return List.copyOf(doneTimes);
    }

    /** Lets one held transaction finish. */
    void release() {
        permits.release();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                if (connections.getAndIncrement() == 0) firstConnection = System.nanoTime();
                Thread.ofVirtual().start(() -> session(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket s) {
        boolean inTransaction = false;
        List<String> rcpts = new java.util.ArrayList<>();
        try (s) {
            s.setSoTimeout(120_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            reply(out, "220 sink.example ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
                switch (verb) {
                    case "EHLO", "HELO" -> reply(out, "250 sink.example");
                    case "MAIL" -> {
                        inTransaction = true;
                        started.incrementAndGet();
                        mailTimes.add(System.nanoTime());
                        maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                        rcpts.clear();
                        reply(out, "250 2.1.0 Ok");
                    }
                    case "RCPT" -> {
                        rcpts.add(line.replaceAll("(?i)^RCPT TO:<([^>]*)>.*", "$1"));
                        reply(out, "250 2.1.5 Ok");
                    }
                    case "DATA" -> {
                        reply(out, "354 End data with <CR><LF>.<CR><LF>");
                        while ((line = in.readLine()) != null && !line.equals(".")) { }
                        if (line == null) return;
                        if (hold && !permits.tryAcquire(120, TimeUnit.SECONDS)) return;
                        recipients.addAll(rcpts);
                        inTransaction = false;
                        open.decrementAndGet();
                        doneTimes.add(System.nanoTime());
                        reply(out, "250 2.0.0 Ok: queued as SINK" + started.get());
                    }
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 Bye");
                        return;
                    }
                    default -> reply(out, "250 2.0.0 Ok");
                }
            }
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (inTransaction) open.decrementAndGet();
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
