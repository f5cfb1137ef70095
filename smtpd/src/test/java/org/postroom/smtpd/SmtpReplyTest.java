package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmtpReplyTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            250 2.1.0 Ok                         | 250 | 2.1.0 | Ok
            501 Syntax: HELO hostname            | 501 | ''    | Syntax: HELO hostname
            220 mail.example.com ESMTP Postfix   | 220 | ''    | mail.example.com ESMTP Postfix
            554 5.7.1 <a@b>: Relay access denied | 554 | 5.7.1 | <a@b>: Relay access denied
            221                                  | 221 | ''    | ''
            """)
    void parses(String line, int code, String enhanced, String text) {
        SmtpReply r = SmtpReply.of(line);
        assertEquals(new SmtpReply(code, enhanced, text, false), r);
        assertEquals(List.of(line), r.lines());
    }

    @Test
    void multiLine() {
        assertEquals(List.of("250-mail.example.com", "250-PIPELINING", "250 CHUNKING"),
                new SmtpReply(250, "", "mail.example.com\nPIPELINING\nCHUNKING", false).lines());
        assertEquals(List.of("550-5.7.1 first", "550 5.7.1 second"), new SmtpReply(550, "5.7.1", "first\nsecond", false).lines());
    }

    @Test
    void softBounce() {
        assertEquals(SmtpReply.of("454 4.7.1 <a@b>: Relay access denied"), SmtpReply.of("554 5.7.1 <a@b>: Relay access denied").softened());
        assertEquals(SmtpReply.of("450 4.7.1 x"), SmtpReply.of("450 4.7.1 x").softened());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> SmtpReply.of("hello"));
    }

    @Test
    void quotedClientTextIsMadePrintableAndCut() {
        assertEquals(List.of("555 5.5.4 Unsupported option: X?Y?"), SmtpReply.of("555 5.5.4 Unsupported option: X\rY\0").lines());
        String line = new SmtpReply(555, "5.5.4", "Unsupported option: " + "P".repeat(600), false).lines().getFirst();
        assertEquals(SmtpReply.MAX_LINE, line.length());
        assertEquals(List.of("250-a?", "250 b"), new SmtpReply(250, "", "a\r\nb", false).lines());
        // found by fuzzing: U+1D800 and the like are 4 octets, not 3
        String wide = new SmtpReply(555, "5.5.4", "x" + "\uD836\uDC00".repeat(200), false).lines().getFirst();
        assertEquals(true, wide.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= SmtpReply.MAX_LINE);
    }
}
