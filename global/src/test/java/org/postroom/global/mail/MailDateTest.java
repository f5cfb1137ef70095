package org.postroom.global.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** mail_date(): the day of the month is padded with a space (strftime %e), as Postfix's Date: and Received: show. */
class MailDateTest {
    @Test
    void padsSingleDigitDays() {
        ZonedDateTime t = ZonedDateTime.of(2026, 12, 3, 12, 53, 28, 0, ZoneId.of("UTC"));
        assertEquals("Thu,  3 Dec 2026 12:53:28 +0000 (UTC)", MailDate.format(t));
    }

    @Test
    void twoDigitDays() {
        ZonedDateTime t = ZonedDateTime.of(2026, 11, 21, 19, 9, 35, 0, ZoneId.of("UTC"));
        assertEquals("Sat, 21 Nov 2026 19:09:35 +0000 (UTC)", MailDate.format(t));
    }
}
