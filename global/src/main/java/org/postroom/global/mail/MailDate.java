package org.postroom.global.mail;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * mail_date(): {@code Sat, 21 Nov 2026 19:09:35 +0000 (UTC)} in local time. The day of the month is
 * padded with a space to two characters, as strftime's %e: {@code Thu,  3 Dec 2026 12:53:28 +0000 (UTC)}.
 */
public final class MailDate {
    private MailDate() {}

    private static final DateTimeFormatter FMT = DateTimeFormatter.ofPattern("EEE, ppd MMM yyyy HH:mm:ss xx '('z')'", Locale.ENGLISH);
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

    public static String format(ZonedDateTime t) {
        return FMT.format(t);
    }

    public static String now() {
        return format(ZonedDateTime.now());
    }

    /** asctime() without the newline, 24 characters, for the mbox From_ line. */
    public static String asctime(ZonedDateTime t) {
        return ASCTIME.format(t);
    }
}
