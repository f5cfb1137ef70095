package org.postroom.e2e;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SMTP load with bookkeeping: sessions send numbered messages and remember every number that got
 * "250 ... queued as". A failed attempt (connection lost, 4xx) is retried on a new connection, as a
 * real client would, so a message may be queued twice but is never given up.
 */
final class LoadClient {
    final Set<Integer> acked = ConcurrentHashMap.newKeySet();
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger next = new AtomicInteger();
    private final int port;
    private final int total;
    private final String rcpt;
    private final String body;

    LoadClient(int port, int total, String rcpt, int size) {
        this.port = port;
        this.total = total;
        this.rcpt = rcpt;
        this.body = ("load test line of text........................................................\r\n").repeat(Math.max(1, size / 80));
    }

    void run(int sessions) throws InterruptedException {
        Thread[] ts = new Thread[sessions];
        for (int i = 0; i < sessions; i++) ts[i] = Thread.ofPlatform().start(this::session);
        for (Thread t : ts) t.join();
    }

    private void session() {
        int n = next.getAndIncrement();
        while (n < total) {
            try (RawSmtp c = new RawSmtp(port)) {
                if (!ok(c.reply())) throw new IOException("no greeting");
                if (!ok(c.send("EHLO load.example.org"))) throw new IOException("ehlo");
                while (n < total) {
                    attempts.incrementAndGet();
                    if (!ok(c.send("MAIL FROM:<load@example.org>"))) throw new IOException("mail");
                    if (!ok(c.send("RCPT TO:<" + rcpt + ">"))) throw new IOException("rcpt");
                    if (!c.send("DATA").startsWith("354")) throw new IOException("data");
                    String r = c.send("Subject: load " + n + " token\r\nX-Load-Token: <" + n + ">\r\n\r\n" + body + ".");
                    if (r == null || !r.startsWith("250 2.0.0 Ok: queued as ")) throw new IOException("end of data: " + r);
                    acked.add(n);
                    n = next.getAndIncrement();
                }
                c.send("QUIT");
            } catch (IOException | RuntimeException e) {
                failures.incrementAndGet();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private static boolean ok(String reply) {
        return reply != null && reply.startsWith("2");
    }
}
