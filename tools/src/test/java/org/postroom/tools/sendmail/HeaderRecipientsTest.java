package org.postroom.tools.sendmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HeaderRecipientsTest {
    record Case(String label, String message, List<String> want) {
        @Override
        public String toString() {
            return label;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("to cc bcc", "To: a@x\nCc: b@x, C <c@x>\nBcc: d@x\nSubject: s\n\nTo: body@x\n",
                        List.of("a@x", "b@x", "c@x", "d@x")),
                new Case("case and blanks before colon", "tO : a@x\nBCC:b@x\n\n", List.of("a@x", "b@x")),
                new Case("folded header", "To: a@x,\n\tb@x\n (comment)\nFrom: f@x\n\n", List.of("a@x", "b@x")),
                new Case("resent only", "To: a@x\nResent-To: r@x\nCc: c@x\nResent-Cc: s@x\nResent-Bcc: t@x\n\n",
                        List.of("r@x", "s@x", "t@x")),
                new Case("resent-from alone does not switch", "Resent-From: f@x\nTo: a@x\n\n", List.of("a@x")),
                new Case("headers end at a non-header line", "To: a@x\nthis is body\nCc: b@x\n", List.of("a@x")),
                new Case("continuation first is body", " To: a@x\n\n", List.of()),
                new Case("no headers", "\nTo: a@x\n", List.of()),
                new Case("long header line in pieces", "To: aaaaaaaaaa@x, bbbbbbbbbbbbb@y\n\n",
                        List.of("aaaaaaaaaa@x", "bbbbbbbbbbbbb@y")),
                new Case("crlf", "To: a@x\r\nCc: b@x\r\n\r\n", List.of("a@x", "b@x")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void extracts(Case c) throws Exception {
        assertEquals(c.want(), extract(c.message(), 10_000));
    }

    @Test
    void headerOverTheLimitIsFatal() {
        Fatal f = assertThrows(Fatal.class, () -> extract("To: a@x,\n b@x,\n c@x\n\n", 15));
        assertEquals("unable to extract recipients: message header length exceeds safety limit", f.getMessage());
    }

    private static List<String> extract(String message, int headerLimit) throws Exception {
        HeaderRecipients h = new HeaderRecipients();
        new MessageReader(12, headerLimit, MessageReader.Mode.PLAIN, h)
                .copy(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), (t, d, l) -> { });
        return h.recipients();
    }
}
