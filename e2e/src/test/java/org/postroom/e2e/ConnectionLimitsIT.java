package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.PostfixServer;
import org.postroom.testkit.WaitFor;

/**
 * One address trying to hold every smtpd slot (issue 16, item 4): the anvil connection count limit
 * answers the same as Debian Postfix; 500 idle and 110 slowloris connections from 127.0.0.1 leave
 * 127.0.0.2 served at once; a full process limit logs master's warning and puts new sessions under
 * stress (smtpd_timeout 10s), so that the slots come free.
 */
class ConnectionLimitsIT {
    private static final String RCPT = MailSystem.localUser() + "@localhost";

    @Test
    void countLimitAnswersAsPostfix() throws Exception {
        assumeTrue(MailSystem.isRoot() && PostfixServer.available(), "needs root and Debian's postfix");
        String cf = "smtpd_client_connection_count_limit = 2\nsmtpd_client_event_limit_exceptions =\n";
        try (MailSystem pr = MailSystem.create(cf); PostfixServer pf = PostfixServer.start(MailSystem.freePort(), cf)) {
            pr.start();
            // the start-up probes (a connect and close) stay counted until each server sees the hang-up
            WaitFor.condition("probe sessions over", Duration.ofSeconds(20),
                    () -> settled(pr.log()) && settled(log(pf)));
            for (int port : List.of(pr.port(), pf.port())) {
                List<Socket> held = new ArrayList<>();
                try {
                    for (int i = 0; i < 2; i++) {
                        Socket s = connect("127.0.0.1", port);
                        assertTrue(firstLine(s).startsWith("220 "), "session " + i + " greeted on " + port);
                        held.add(s);
                    }
                    Socket third = connect("127.0.0.1", port);
                    held.add(third);
                    assertEquals("421 4.7.0 mail.example.com Error: too many connections from 127.0.0.1", firstLine(third));
                    assertEquals(-1, third.getInputStream().read(), "closed right after the 421");
                } finally {
                    for (Socket s : held) s.close();
                }
            }
            WaitFor.condition("Postfix's warning", Duration.ofSeconds(10), () -> log(pf).contains("Connection concurrency limit exceeded: 3 from"));
            WaitFor.condition("Postroom's warning", Duration.ofSeconds(10),
                    () -> pr.log().contains("warning: Connection concurrency limit exceeded: 3 from localhost[127.0.0.1] for service 127.0.0.1:" + pr.port()));
            String pfLine = log(pf).lines().filter(l -> l.contains("concurrency limit exceeded")).findFirst().orElseThrow();
            String prLine = pr.log().lines().filter(l -> l.contains("concurrency limit exceeded")).findFirst().orElseThrow();
            assertEquals(pfLine.substring(pfLine.indexOf("warning:")).replace(":" + pf.port(), ":PORT"),
                    prLine.substring(prLine.indexOf("warning:")).replace(":" + pr.port(), ":PORT"));
        }
    }

    /** smtpd_client_auth_rate_limit: counted before every other AUTH check, so SASL need not be on to compare. */
    @Test
    void authRateLimitAnswersAsPostfix() throws Exception {
        assumeTrue(MailSystem.isRoot() && PostfixServer.available(), "needs root and Debian's postfix");
        String cf = "smtpd_client_auth_rate_limit = 2\nsmtpd_client_event_limit_exceptions =\n";
        try (MailSystem pr = MailSystem.create(cf); PostfixServer pf = PostfixServer.start(MailSystem.freePort(), cf)) {
            pr.start();
            List<List<String>> replies = new ArrayList<>();
            for (int port : List.of(pr.port(), pf.port())) {
                List<String> r = new ArrayList<>();
                try (RawSmtp c = new RawSmtp(port)) {
                    c.reply();
                    c.send("EHLO client.example");
                    for (int i = 0; i < 4; i++) r.add(c.send("AUTH PLAIN AGFsaWNlAHNlY3JldA=="));
                    r.add(c.send("QUIT"));
                }
                replies.add(r);
            }
            assertEquals(replies.get(1), replies.get(0));
            assertEquals("450 4.7.1 Error: too many AUTH commands from 127.0.0.1", replies.get(0).get(2));
            WaitFor.condition("Postfix's warning", Duration.ofSeconds(10), () -> log(pf).contains("AUTH command rate limit exceeded: 3 from"));
            String pfLine = log(pf).lines().filter(l -> l.contains("AUTH command rate limit exceeded: 3")).findFirst().orElseThrow();
            String prLine = pr.log().lines().filter(l -> l.contains("AUTH command rate limit exceeded: 3")).findFirst().orElseThrow();
            assertEquals(pfLine.substring(pfLine.indexOf("warning:")).replace(":" + pf.port(), ":PORT"),
                    prLine.substring(prLine.indexOf("warning:")).replace(":" + pr.port(), ":PORT"));
        }
    }

    @Test
    void idleAndSlowlorisFromOneAddressDoNotLockOutAnother() throws Exception {
        assumeTrue(MailSystem.isRoot(), "needs root");
        // neither loopback address is in mynetworks, so neither is exempt from the anvil limits
        try (MailSystem pr = MailSystem.create("mynetworks = 127.0.0.3/32\n")) {
            pr.start();
            WaitFor.condition("probe session over", Duration.ofSeconds(20), () -> settled(pr.log()));
            AtomicBoolean stop = new AtomicBoolean();
            List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<String>> firsts = new ArrayList<>();
                for (int i = 0; i < 610; i++) {
                    boolean slow = i >= 500;
                    firsts.add(ex.submit(() -> {
                        Socket s = connect("127.0.0.1", pr.port());
                        sockets.add(s);
                        String first = firstLine(s);
                        if (slow && first.startsWith("220 ")) {
                            // slowloris: one byte a second, never a whole line
                            OutputStream out = s.getOutputStream();
                            for (int b = 0; !stop.get() && b < 60; b++) {
                                out.write('E');
                                out.flush();
                                Thread.sleep(1000);
                            }
                        }
                        return first;
                    }));
                }
                // wait until the attack holds its 50 sessions
                WaitFor.condition("560 connections refused", Duration.ofSeconds(60), () -> refusals(pr) >= 560);
                long t0 = System.nanoTime();
                Socket other = connect("127.0.0.2", pr.port());
                String banner = firstLine(other);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(banner.startsWith("220 "), banner);
                assertTrue(ms < 1000, "second address greeted after " + ms + " ms");
                assertEquals("250", HugeHeadersIT.sendFrom("127.0.0.2", pr.port(), "Subject: still served\r\n\r\nbody\r\n").substring(0, 3));
                other.close();
                WaitFor.condition("delivered", Duration.ofSeconds(30),
                        () -> MailSystem.maildir(pr.spoolMaildir(MailSystem.localUser())).size() == 1);
                stop.set(true);
                for (Socket s : sockets) s.close();
                int greeted = 0, refused = 0;
                for (Future<String> f : firsts) {
                    String first = f.get();
                    if (first.startsWith("220 ")) greeted++;
                    else if (first.equals("421 4.7.0 mail.example.com Error: too many connections from 127.0.0.1")) refused++;
                }
                assertEquals(50, greeted, "smtpd_client_connection_count_limit");
                assertEquals(560, refused);
            }
        }
    }

    @Test
    void fullProcessLimitWarnsAndStresses() throws Exception {
        assumeTrue(MailSystem.isRoot(), "needs root");
        try (MailSystem pr = MailSystem.create("")) {
            Path mcf = pr.etc().resolve("master.cf");
            Files.writeString(mcf, Files.readString(mcf).replaceFirst(
                    "(?m)^(127\\.0\\.0\\.1:\\d+\\s+inet\\s+\\S+\\s+\\S+\\s+\\S+\\s+\\S+\\s+)-", "$15"));
            pr.start();
            WaitFor.condition("probe session over", Duration.ofSeconds(20), () -> settled(pr.log()));
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = connect("127.0.0.1", pr.port());
                    assertTrue(firstLine(s).startsWith("220 "));
                    held.add(s);
                }
                WaitFor.condition("4 sessions", Duration.ofSeconds(10), () -> pr.log().split("connect from localhost", -1).length - 1 >= 4);
                assertTrue(!pr.log().contains("has reached its process limit"), "no warning before the limit");
                Socket last = connect("127.0.0.1", pr.port());
                held.add(last);
                assertTrue(firstLine(last).startsWith("220 "));
                WaitFor.condition("master's warning", Duration.ofSeconds(10), () -> pr.log().contains(
                        "warning: service \"127.0.0.1:" + pr.port() + "\" (127.0.0.1:" + pr.port()
                                + ") has reached its process limit \"5\": new clients may experience noticeable delays"));
                assertTrue(pr.log().contains("warning: to avoid this condition, increase the process count in master.cf or reduce the service time per client"));
                // the session that took the last slot runs under stress: smtpd_timeout is 10s, not 300s
                long t0 = System.nanoTime();
                last.setSoTimeout(30_000);
                assertEquals("421 4.4.2 mail.example.com Error: timeout exceeded", firstLine(last));
                long s = (System.nanoTime() - t0) / 1_000_000_000;
                assertTrue(s >= 8 && s <= 20, "stressed timeout after " + s + " s");
            } finally {
                for (Socket s : held) s.close();
            }
        }
    }

    /** Every session that was logged as connected has also been logged as disconnected. */
    private static boolean settled(String log) {
        return count(log, ": connect from ") == count(log, ": disconnect from ");
    }

    private static int count(String s, String what) {
        return s.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    private static long refusals(MailSystem pr) {
        return pr.log().split("Connection concurrency limit exceeded", -1).length - 1;
    }

    private static String log(PostfixServer pf) {
        try {
            return pf.log();
        } catch (IOException e) {
            return "";
        }
    }

    private static Socket connect(String from, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(60_000);
        return s;
    }

    private static String firstLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        try {
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) return b.isEmpty() ? "<EOF>" : b.toString();
                if (c != '\r') b.append((char) c);
            }
        } catch (SocketTimeoutException e) {
            return "<timeout>" + b;
        }
        return b.toString();
    }
}
