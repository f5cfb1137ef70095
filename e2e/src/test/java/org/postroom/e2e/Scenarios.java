package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postroom.testkit.WaitFor;

/**
 * Helpers for the lookup-table scenario suites (ScenarioIT, PgsqlIT): one SMTP transaction with exact
 * replies, mailbox contents with the time stamps masked, and waiting for Postfix-format log lines.
 */
final class Scenarios {
    private Scenarios() {}

    static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern DATE = Pattern.compile("\\w{3}, {1,2}\\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4} \\([^)]*\\)");
    private static final Pattern FROM_LINE = Pattern.compile("(?m)^From (\\S+)  \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}$");
    private static final Pattern QUEUED = Pattern.compile("^250 2\\.0\\.0 Ok: queued as ([0-9A-F]+)$");

    /** A test message: fixed headers, a body with a "From " line; dates and IDs are known. */
    static String message(String from, String to, String subject) {
        return "From: " + from + "\nTo: " + to + "\nSubject: " + subject + "\nDate: Sat, 21 Nov 2026 19:00:00 +0000\n"
                + "Message-ID: <" + subject.replace(' ', '.') + "@example.org>\n\nBody of " + subject + "\nFrom the start of a line\n";
    }

    /** EHLO, MAIL, each RCPT (expecting 250), DATA; returns the queue ID. */
    static String send(MailSystem m, String sender, List<String> rcpts, String message) throws IOException {
        String reply = transaction(m, sender, rcpts, message);
        Matcher q = QUEUED.matcher(reply);
        assertTrue(q.matches(), "end of DATA: " + reply + "\nlog:\n" + m.log());
        return q.group(1);
    }

    /** Like {@link #send} but returns the reply to the end of DATA. */
    static String transaction(MailSystem m, String sender, List<String> rcpts, String message) throws IOException {
        try (RawSmtp s = new RawSmtp(m.port())) {
            assertTrue(s.reply().startsWith("220 "));
            assertTrue(s.send("EHLO client.example.org").startsWith("250-"));
            assertEquals("250 2.1.0 Ok", s.send("MAIL FROM:<" + sender + ">"));
            for (String r : rcpts) assertEquals("250 2.1.5 Ok", s.send("RCPT TO:<" + r + ">"), "RCPT " + r);
            assertEquals("354 End data with <CR><LF>.<CR><LF>", s.send("DATA"));
            StringBuilder data = new StringBuilder();
            for (String line : message.split("\n", -1)) {
                if (line.startsWith(".")) data.append('.');
                data.append(line).append("\r\n");
            }
            if (message.endsWith("\n")) data.setLength(data.length() - 2);
            s.raw(data + ".\r\n");
            String reply = s.reply();
            s.send("QUIT");
            return reply;
        }
    }

    /** The reply to one RCPT after EHLO and MAIL (for rejections). */
    static String rcptReply(MailSystem m, String sender, String rcpt) throws IOException {
        try (RawSmtp s = new RawSmtp(m.port())) {
            s.reply();
            s.send("EHLO client.example.org");
            assertEquals("250 2.1.0 Ok", s.send("MAIL FROM:<" + sender + ">"));
            String r = s.send("RCPT TO:<" + rcpt + ">");
            s.send("QUIT");
            return r;
        }
    }

    /**
     * One transaction to one recipient that may be refused temporarily: the RCPT reply when it is not
     * 250, else the reply to the end of DATA (for waiting until a table is back).
     */
    static String tryTransaction(MailSystem m, String sender, String rcpt, String message) {
        try (RawSmtp s = new RawSmtp(m.port())) {
            s.reply();
            s.send("EHLO client.example.org");
            s.send("MAIL FROM:<" + sender + ">");
            String r = s.send("RCPT TO:<" + rcpt + ">");
            if (!r.startsWith("250 ")) return r;
            s.send("DATA");
            StringBuilder data = new StringBuilder();
            for (String line : message.split("\n")) data.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
            s.raw(data + ".\r\n");
            r = s.reply();
            s.send("QUIT");
            return r;
        } catch (IOException e) {
            return "connection: " + e.getMessage();
        }
    }

    /** Mailbox text with message dates and From_ line times replaced by DATE. */
    static String masked(String text) {
        return FROM_LINE.matcher(DATE.matcher(text).replaceAll("DATE")).replaceAll("From $1  DATE");
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits for the one file in maildir {@code dir}/new that contains {@code needle}; returns its masked text. */
    static String maildirMessage(Path dir, String needle) {
        AtomicReference<Path> found = new AtomicReference<>();
        WaitFor.condition("maildir " + dir + " with " + needle, WAIT, () -> {
            for (Path p : MailSystem.maildir(dir)) {
                if (read(p).contains(needle)) {
                    found.set(p);
                    return true;
                }
            }
            return false;
        });
        return masked(read(found.get()));
    }

    /** Waits until mbox (or output) file {@code p} contains {@code needle}; returns its masked text. */
    static String fileWith(Path p, String needle) {
        WaitFor.condition(p + " with " + needle, WAIT, () -> read(p).contains(needle));
        return masked(read(p));
    }

    /** Waits for the message in mbox file {@code p} that contains {@code needle}; returns it masked, From_ line included. */
    static String mboxMessage(Path p, String needle) {
        String all = fileWith(p, needle);
        for (String msg : all.split("(?m)(?=^From \\S+  DATE$)")) {
            if (msg.contains(needle)) return msg;
        }
        throw new AssertionError(needle + " not in " + p + ":\n" + all);
    }

    /**
     * Waits for a log line "postfix/PROGRAM[pid]: TEXT", where "*" in TEXT stands for one delay value
     * ("delay=*, delays=*") and "#ID" for a queue ID.
     */
    static void awaitLog(MailSystem m, String program, String text) {
        StringBuilder re = new StringBuilder("(?m)^.* postfix/" + Pattern.quote(program) + "\\[\\d+\\]: ");
        Matcher ph = Pattern.compile("\\*|#ID").matcher(text);
        int at = 0;
        while (ph.find()) {
            re.append(Pattern.quote(text.substring(at, ph.start()))).append(ph.group().equals("*") ? "[0-9./]+" : "[0-9A-F]+");
            at = ph.end();
        }
        re.append(Pattern.quote(text.substring(at))).append('$');
        Pattern p = Pattern.compile(re.toString());
        try {
            WaitFor.condition("log line " + program + ": " + text, WAIT, () -> p.matcher(m.log()).find());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nlog:\n" + m.log(), e);
        }
    }

    /** The ID in "ID: ... status=sent (forwarded as NEWID)" for a log line that starts with {@code prefix}. */
    static String forwardedAs(MailSystem m, String prefix) {
        Matcher f = Pattern.compile(Pattern.quote(prefix) + ".*status=sent \\(forwarded as ([0-9A-F]+)\\)").matcher(m.log());
        assertTrue(f.find(), "no forwarded-as line for " + prefix + "\nlog:\n" + m.log());
        return f.group(1);
    }
}
