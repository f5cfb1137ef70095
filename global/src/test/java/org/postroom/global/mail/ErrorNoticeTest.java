package org.postroom.global.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The notice text against two notices that Debian's Postfix 3.7.11 sent (notify_classes = protocol,
 * policy, resource, software; the dialogues are in the comments), from the From: header on, without
 * the Message-Id cleanup added. The transcripts are what smtpd_chat.c recorded for those dialogues.
 */
class ErrorNoticeTest {
    private static final Path DIR = Path.of("src/test/resources/org/postroom/global/mail/ErrorNoticeTest");
    private static final ErrorNotice NOTICE = new ErrorNotice("Postfix", "mail.example.com", "postmaster@mail.example.com", true, true);
    private static final List<String> EHLO = List.of("Out: 220 mail.example.com ESMTP Postfix", "In:  EHLO client.example",
            "Out: 250-mail.example.com", "Out: 250-PIPELINING", "Out: 250-SIZE 10240000", "Out: 250-VRFY", "Out: 250-ETRN",
            "Out: 250-ENHANCEDSTATUSCODES", "Out: 250-8BITMIME", "Out: 250-DSN", "Out: 250-SMTPUTF8", "Out: 250 CHUNKING");

    /** The captured notice from From: on, without Message-Id:. */
    private static List<String> captured(String name) throws IOException {
        List<String> all = Files.readAllLines(DIR.resolve(name), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>(all.subList(all.indexOf(all.stream().filter(l -> l.startsWith("From: ")).findFirst().orElseThrow()),
                all.size()));
        out.removeIf(l -> l.startsWith("Message-Id: "));
        return out;
    }

    @Test
    void sessionEndedByQuit() throws IOException {
        // EHLO; FOO bar (500); MAIL; RCPT to a remote domain (454 relay); "NOOP \1ctl café"; AUTH PLAIN ... (503); QUIT
        List<String> t = new ArrayList<>(EHLO);
        t.addAll(List.of("In:  FOO bar", "Out: 500 5.5.2 Error: command not recognized", "In:  MAIL FROM:<a@b.example>",
                "Out: 250 2.1.0 Ok", "In:  RCPT TO:<x@far.example>", "Out: 454 4.7.1 <x@far.example>: Relay access denied",
                "In:  NOOP \u0001ctl caf\u00e9", "Out: 250 2.0.0 Ok", "In:  AUTH PLAIN dGVzdAB0ZXN0AHNlY3JldA==",
                "Out: 503 5.5.1 Error: authentication not enabled", "In:  QUIT", "Out: 221 2.0.0 Bye"));
        assertEquals(captured("session-quit.eml"), NOTICE.server("localhost[127.0.0.1]", t, null));
    }

    @Test
    void lostConnectionWithLongAndControlLines() throws IOException {
        // long commands are wrapped at 78 with 4 spaces; tab and CR become '?'; the client went away
        List<String> t = new ArrayList<>(EHLO);
        t.addAll(List.of("In:  FOO one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
                + " seventeen eighteen", "Out: 500 5.5.2 Error: command not recognized",
                "In:  BAR " + "a".repeat(93) + " b", "Out: 500 5.5.2 Error: command not recognized",
                "In:  NOOP a\tb\rc", "Out: 250 2.0.0 Ok"));
        assertEquals(captured("session-lost.eml"), NOTICE.server("localhost[127.0.0.1]", t, "lost connection"));
    }

    @Test
    void obsoleteFromFormatAndClientSubject() {
        ErrorNotice n = new ErrorNotice("Postfix", "mx.example", "pm", false, true);
        List<String> l = n.client("SMTP", "far.example[192.0.2.7]:25", List.of("Out: MAIL FROM:<a@b>", "In:  250 Ok"));
        assertEquals(List.of("From: MAILER-DAEMON@mx.example (Mail Delivery System)", "To: pm (Postmaster)",
                "Subject: Postfix SMTP client: errors from far.example[192.0.2.7]:25", "",
                "Unexpected response from far.example[192.0.2.7]:25.", "", "Transcript of session follows.", "",
                " Out: MAIL FROM:<a@b>", " In:  250 Ok", "", "For other details, see the local mail logfile"), l);
    }

    @Test
    void eightBitIsQuestionMarksWithoutSmtputf8AndNothingBreaksALine() {
        List<String> printed = Transcript.print(List.of("In:  caf\u00e9 \ufffd x\r\nSubject: forged", "In:  " + "\u0000\u007f"), false);
        assertEquals(List.of(" In:  caf?? ? x??Subject: forged", " In:  ??"), printed);
        assertEquals(List.of(" In:  caf\u00e9 ? x"), Transcript.print(List.of("In:  caf\u00e9 \ufffd x"), true));
    }
}
