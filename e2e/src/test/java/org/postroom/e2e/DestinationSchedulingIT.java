package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.WaitFor;

/**
 * qmgr's per-destination scheduling (issue 8) with real processes: a destination whose server refuses
 * connections is declared dead after a failed cohort and its other mail is deferred without an attempt
 * ("delivery temporarily suspended: ..."), while other destinations get their mail, until the dead
 * period (minimal_backoff_time) is over; slow start from initial_destination_concurrency up to the
 * destination concurrency limit, counted by an SMTP sink that holds each delivery until the test lets
 * it go; and a per-transport rate delay.
 */
class DestinationSchedulingIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void aDeadDestinationIsSuspendedWhileOthersAreDelivered() throws Exception {
        int closed = MailSystem.freePort();
        try (SmtpSink live = new SmtpSink(0, false);
             MailSystem m = MailSystem.create("transport_maps = inline:{ dead.example=smtp:[127.0.0.1]:" + closed
                     + ", live.example=smtp:[127.0.0.1]:" + live.port() + " }\n"
                     + "smtp_destination_recipient_limit = 2\n"
                     + "minimal_backoff_time = 10s\nmaximal_backoff_time = 10s\n")) {
            m.start();
            // one message, 12 recipients: 6 deliveries of 2 queued at once; the window of 5 starts 5 of them,
            // and 1/5 + 1/3 + 1/2 (the window shrinks as they fail) reach the failed cohort limit of 1
            List<String> rcpts = new ArrayList<>();
            for (int i = 1; i <= 12; i++) rcpts.add("r" + i + "@dead.example");
            long sent = System.nanoTime();
            send(m.port(), rcpts);
            WaitFor.condition("12 results for the first message", WAIT, () -> deliveryLines(m.log(), "@dead.example").size() >= 12);
            String refused = "connect to 127.0.0.1[127.0.0.1]:" + closed + ": Connection refused";
            List<String> first = deliveryLines(m.log(), "@dead.example").subList(0, 12);
            for (int i = 1; i <= 12; i++) {
                String line = find(first, "to=<r" + i + "@dead.example>");
                if (i <= 10) {
                    assertTrue(line.contains(" postfix/smtp[") && line.contains(", relay=none, ")
                            && line.endsWith(", dsn=4.4.1, status=deferred (" + refused + ")"), line);
                } else {
                    assertTrue(line.contains(" postfix/qmgr[") && line.contains(", relay=none, ")
                            && line.endsWith(", dsn=4.4.1, status=deferred (delivery temporarily suspended: " + refused + ")"), line);
                }
            }

            // the server comes up, but the destination stays dead for minimal_backoff_time: new mail for it
            // is deferred at once, mail for another destination is delivered
            try (SmtpSink revived = new SmtpSink(closed, false)) {
                send(m.port(), List.of("late@dead.example"));
                send(m.port(), List.of("bob@live.example"));
                WaitFor.condition("late@dead.example deferred", WAIT, () -> m.log().contains("to=<late@dead.example>"));
                String late = find(deliveryLines(m.log(), "@dead.example"), "to=<late@dead.example>");
                assertTrue(late.contains(" postfix/qmgr[") && late.contains(", relay=none, ")
                        && late.endsWith(", dsn=4.4.1, status=deferred (delivery temporarily suspended: " + refused + ")"), late);
                WaitFor.condition("bob@live.example delivered", WAIT, () -> live.recipients().contains("bob@live.example"));
                WaitFor.condition("its log line", WAIT, () -> m.log().contains("to=<bob@live.example>, relay=127.0.0.1[127.0.0.1]:"
                        + live.port() + ", "));
                assertTrue(find(deliveryLines(m.log(), "@live.example"), "to=<bob@live.example>").contains(", status=sent (250 2.0.0 Ok"));

                // after the dead period the deferred mail flows again
                WaitFor.condition("all 13 delivered to the revived server", WAIT, () -> revived.recipients().size() == 13);
                assertTrue(revived.firstConnection() - sent >= Duration.ofSeconds(10).toNanos(),
                        "the dead destination was tried " + (revived.firstConnection() - sent) / 1_000_000 + " ms after the first message");
                WaitFor.condition("13 sent lines", WAIT, () -> count(m.log(), "@dead.example>, relay=127.0.0.1[127.0.0.1]:" + closed) == 13);
            }
        }
    }

    @Test
    void slowStartUpToTheConcurrencyLimitAndARateDelay() throws Exception {
        int n = 12;
        try (SmtpSink sink = new SmtpSink(0, true);
             SmtpSink slow = new SmtpSink(0, false);
             MailSystem m = MailSystem.create("relayhost = [127.0.0.1]:" + sink.port() + "\n"
                     + "initial_destination_concurrency = 2\nsmtp_destination_concurrency_limit = 4\n"
                     + "transport_maps = inline:{ slow.example=slow:[127.0.0.1]:" + slow.port() + " }\n"
                     + "slow_destination_rate_delay = 1s\n")) {
            Files.writeString(m.etc().resolve("master.cf"), "slow      unix  -       -       n       -       -       smtp\n",
                    StandardOpenOption.APPEND);
            m.start();
            List<String> rcpts = new ArrayList<>();
            for (int i = 1; i <= n; i++) rcpts.add("u" + i + "@far.example");
            sendEach(m.port(), rcpts);
            WaitFor.condition(n + " messages in the active queue", WAIT, () -> count(m.log(), " (queue active)") >= n);
            // held deliveries before each release: 2 at first; the first success grows the window to 3
            // (2 more start), the second to the limit of 4; then one starts for each that ends
            int[] expected = {2, 3, 4, 4, 4, 4, 4, 4, 4, 3, 2, 1};
            for (int k = 0; k < n; k++) {
                int want = expected[k];
                int released = k;
                WaitFor.condition(want + " deliveries held after " + k + " released", WAIT,
                        () -> sink.open() == want && sink.started() == Math.min(n, released + want));
                sink.release();
            }
            WaitFor.condition("all delivered", WAIT, () -> sink.recipients().size() == n);
            assertEquals(4, sink.maxOpen());
            assertEquals(n, sink.started());
            WaitFor.condition(n + " sent lines", WAIT, () -> count(m.log(), "@far.example>, relay=127.0.0.1[127.0.0.1]:" + sink.port()) == n);

            // slow_destination_rate_delay = 1s: one delivery at a time, a second between the end of one and the next
            sendEach(m.port(), List.of("a@slow.example", "b@slow.example", "c@slow.example"));
            WaitFor.condition("three delivered slowly", WAIT, () -> slow.recipients().size() == 3);
            assertEquals(1, slow.maxOpen());
            List<Long> mail = slow.mailTimes(), done = slow.doneTimes();
            for (int i = 1; i < 3; i++) {
                long gap = mail.get(i) - done.get(i - 1);
                assertTrue(gap >= Duration.ofSeconds(1).toNanos(), "only " + gap / 1_000_000 + " ms between deliveries");
            }
        }
    }

    /** One message with these recipients. */
    private static void send(int port, List<String> rcpts) throws IOException {
        try (RawSmtp c = new RawSmtp(port)) {
            c.reply();
            c.send("HELO c.example");
            assertEquals("250 2.1.0 Ok", c.send("MAIL FROM:<alice@example.com>"));
            for (String r : rcpts) assertEquals("250 2.1.5 Ok", c.send("RCPT TO:<" + r + ">"), r);
            assertTrue(c.send("DATA").startsWith("354"));
            assertTrue(c.send("Subject: scheduling\r\n\r\nbody\r\n.").startsWith("250 2.0.0 Ok: queued as"));
            c.send("QUIT");
        }
    }

    /** One message per recipient, in one session. */
    private static void sendEach(int port, List<String> rcpts) throws IOException {
        try (RawSmtp c = new RawSmtp(port)) {
            c.reply();
            c.send("HELO c.example");
            for (String r : rcpts) {
                assertEquals("250 2.1.0 Ok", c.send("MAIL FROM:<alice@example.com>"));
                assertEquals("250 2.1.5 Ok", c.send("RCPT TO:<" + r + ">"), r);
                assertTrue(c.send("DATA").startsWith("354"));
                assertTrue(c.send("Subject: scheduling\r\n\r\nbody\r\n.").startsWith("250 2.0.0 Ok: queued as"));
            }
            c.send("QUIT");
        }
    }

    /** The delivery lines (to=<...>) for recipients ending in {@code domain}, in log order. */
    private static List<String> deliveryLines(String log, String domain) {
        List<String> out = new ArrayList<>();
        Matcher x = Pattern.compile("(?m)^.*: to=<[^>]*" + Pattern.quote(domain) + ">, relay=.*$").matcher(log);
        while (x.find()) out.add(x.group());
        return out;
    }

    private static String find(List<String> lines, String what) {
        return lines.stream().filter(l -> l.contains(what)).findFirst().orElseThrow(() -> new AssertionError("no line with " + what
                + " in\n" + String.join("\n", lines)));
    }

    private static int count(String s, String what) {
        return s.split(Pattern.quote(what), -1).length - 1;
    }
}
