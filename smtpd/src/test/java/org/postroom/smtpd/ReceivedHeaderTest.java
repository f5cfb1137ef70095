package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReceivedHeaderTest {
    private static final ZonedDateTime WHEN = ZonedDateTime.now(Fakes.CLOCK);

    @Test
    void oneRecipient() {
        assertEquals(List.of(
                "Received: from client.example.org (localhost [127.0.0.1])",
                "\tby mail.example.com (Postfix) with ESMTP id 64BE1160033",
                "\tfor <root@mail.example.com>; Sat, 21 Nov 2026 19:09:35 +0000 (UTC)"),
                ReceivedHeader.lines("client.example.org", Fakes.client("127.0.0.1"), "mail.example.com", "Postfix",
                        "ESMTP", "64BE1160033", Optional.of("root@mail.example.com"), WHEN));
    }

    @Test
    void severalRecipients() {
        assertEquals(List.of(
                "Received: from client.example.org (unknown [203.0.113.5])",
                "\tby mail.example.com (Postfix) with ESMTP id 38A50160015;",
                "\tSat, 21 Nov 2026 19:09:35 +0000 (UTC)"),
                ReceivedHeader.lines("client.example.org", Fakes.client("203.0.113.5"), "mail.example.com", "Postfix",
                        "ESMTP", "38A50160015", Optional.empty(), WHEN));
    }

    @Test
    void ipv6ClientWithoutHelo() {
        assertEquals("Received: from unknown (unknown [IPv6:2001:db8::1])",
                ReceivedHeader.lines("unknown", Fakes.client("2001:db8:0:0:0:0:0:1"), "mail.example.com", "Postfix",
                        "SMTP", "X1", Optional.empty(), WHEN).getFirst());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            root@mail.example.com      | root@mail.example.com
            a.b+c@example.com          | a.b+c@example.com
            john doe@example.com       | "john doe"@example.com
            a..b@example.com           | "a..b"@example.com
            x"y@example.com            | "x\\"y"@example.com
            postmaster                 | postmaster
            """)
    void quotesLocalParts(String address, String quoted) {
        assertEquals(quoted, ReceivedHeader.quoteLocal(address));
    }
}
