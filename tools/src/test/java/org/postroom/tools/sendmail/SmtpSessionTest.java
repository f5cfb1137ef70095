package org.postroom.tools.sendmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.global.queue.MailQueue;

class SmtpSessionTest {
    /** A dialog: "C: command" lines, each followed by the reply lines the engine must give. */
    record Dialog(String label, String script) {
        @Override
        public String toString() {
            return label;
        }
    }

    static List<Dialog> dialogs() {
        return List.of(
                new Dialog("ehlo", """
                        C: EHLO client.example
                        250-mail.example.com
                        250-PIPELINING
                        250-SIZE 1000
                        250-ENHANCEDSTATUSCODES
                        250 8BITMIME
                        C: helo client.example
                        250 mail.example.com
                        C: HELO
                        501 Syntax: HELO hostname
                        C: EHLO
                        501 Syntax: EHLO hostname"""),
                new Dialog("transaction", """
                        C: MAIL FROM:<alice@example.org> SIZE=100 BODY=8BITMIME
                        250 2.1.0 Ok
                        C: MAIL FROM:<alice@example.org>
                        503 5.5.1 Error: nested MAIL command
                        C: RCPT TO:<bob@example.net>
                        250 2.1.5 Ok
                        C: rcpt to: <"carol smith"@example.net>
                        250 2.1.5 Ok
                        C: DATA
                        354 End data with <CR><LF>.<CR><LF>"""),
                new Dialog("sequence errors", """
                        C: RCPT TO:<bob@example.net>
                        503 5.5.1 Error: need MAIL command
                        C: DATA
                        503 5.5.1 Error: need RCPT command
                        C: MAIL FROM:<>
                        250 2.1.0 Ok
                        C: RCPT TO:<>
                        501 5.1.3 Bad recipient address syntax
                        C: DATA
                        554 5.5.1 Error: no valid recipients
                        C: RSET
                        250 2.0.0 Ok
                        C: RSET now
                        501 5.5.4 Syntax: RSET
                        C: NOOP
                        250 2.0.0 Ok"""),
                new Dialog("syntax errors", """
                        C: MAIL alice
                        501 5.5.4 Syntax: MAIL FROM:<address>
                        C: MAIL FROM:<a@x> SIZE=2000
                        552 5.3.4 Message size exceeds fixed limit
                        C: MAIL FROM:<a@x> SIZE=big
                        501 5.5.4 Bad message size syntax
                        C: MAIL FROM:<a@x> BODY=BINARYMIME
                        501 5.5.4 Bad BODY keyword: BINARYMIME
                        C: MAIL FROM:<a@x> AUTH=<>
                        555 5.5.4 Unsupported option: AUTH=<>
                        C: MAIL FROM:<a@x <b@y>>
                        501 5.1.7 Bad sender address syntax
                        C: MAIL FROM:<a@x>
                        250 2.1.0 Ok
                        C: RCPT TO:<b@y> NOTIFY=NEVER
                        555 5.5.4 Unsupported option: NOTIFY=NEVER
                        C: RCPT bob
                        501 5.5.4 Syntax: RCPT TO:<address>
                        C: DATA now
                        501 5.5.4 Syntax: DATA
                        C: VRFY root
                        502 5.5.1 VRFY command is disabled
                        C: FOO
                        500 5.5.2 Error: command not recognized
                        C: QUIT
                        221 2.0.0 Bye"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dialogs")
    void dialog(Dialog d) {
        SmtpSession s = session(2);
        StringBuilder got = new StringBuilder();
        for (String line : d.script().lines().toList()) {
            if (line.startsWith("C: ")) got.append(line).append('\n').append(s.command(line.substring(3)).reply().replace("\r\n", "\n")).append('\n');
        }
        assertEquals(d.script().strip(), got.toString().strip());
    }

    @Test
    void recipientLimitAndErrorLimit() {
        SmtpSession s = session(1);
        s.command("MAIL FROM:<a@x>");
        assertEquals("250 2.1.5 Ok", s.command("RCPT TO:<b@x>").reply());
        assertEquals("452 4.5.3 Error: too many recipients", s.command("RCPT TO:<c@x>").reply());
        SmtpSession.Step last = null;
        for (int i = 0; i < 19; i++) last = s.command("BOGUS");
        assertEquals("421 4.7.0 mail.example.com Error: too many errors", last.reply());
        assertEquals(SmtpSession.Next.CLOSE, last.next());
    }

    @TempDir
    Path queueDir;

    @Test
    void standaloneSessionDropsEachMessage() throws Exception {
        Files.createDirectories(queueDir.resolve("maildrop"));
        Postdrop pd = new Postdrop(new MailQueue(queueDir, List.of(), 1), new Postdrop.Limits(2048, 102400, 1000), 0);
        AtomicInteger wakeups = new AtomicInteger();
        String input = "EHLO client\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n"
                + "Subject: s\r\n\r\n..leading dot\r\n.\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"
                + "0123456789\r\n".repeat(200) + ".\r\nQUIT\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new StandaloneSmtp(session(10), pd, 2048, wakeups::incrementAndGet)
                .run(new ByteArrayInputStream(input.getBytes(StandardCharsets.US_ASCII)), out);
        List<String> replies = out.toString(StandardCharsets.US_ASCII).lines().toList();
        assertEquals("220 mail.example.com ESMTP Postfix", replies.get(0));
        assertTrue(replies.get(9).startsWith("250 2.0.0 Ok: queued as "), replies.get(9));
        assertEquals("552 5.3.4 Error: message file too big", replies.get(13));
        assertEquals("221 2.0.0 Bye", replies.get(14));
        assertEquals(1, wakeups.get());
        List<Path> files;
        try (Stream<Path> s = Files.list(queueDir.resolve("maildrop"))) {
            files = s.toList();
        }
        assertEquals(1, files.size());
        assertEquals(replies.get(9).substring(24), files.get(0).getFileName().toString());
        assertEquals("""
                T <sec> <usec>
                A rewrite_context=local
                S alice@example.org
                R bob@example.net
                M\s
                N Subject: s
                N\s
                N .leading dot
                X\s
                E\s
                """, PostdropTest.render(files.get(0)));
    }

    private static SmtpSession session(int recipientLimit) {
        return new SmtpSession("mail.example.com", "mail.example.com ESMTP Postfix", 1000, recipientLimit);
    }
}
