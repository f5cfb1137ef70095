package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 2, point 5, over a real socket: 127.0.0.1 is outside mynetworks here, so relaying is refused;
 * oversize, too many recipients, garbage and over-long lines get Postfix's replies.
 */
class SmtpdPolicyIT {
    static MailSystem m;

    @BeforeAll
    static void up() throws Exception {
        m = MailSystem.create("""
                mynetworks = 192.0.2.0/24
                smtpd_recipient_limit = 3
                message_size_limit = 20000
                smtpd_hard_error_limit = 5
                """);
        m.start();
    }

    @AfterAll
    static void down() {
        if (m != null) m.close();
    }

    @Test
    void relayAccessDeniedForOutsiders() throws Exception {
        try (RawSmtp c = new RawSmtp(m.port())) {
            c.reply();
            assertTrue(c.send("EHLO client.example.org").startsWith("250-mail.example.com"));
            assertEquals("250 2.1.0 Ok", c.send("MAIL FROM:<alice@example.org>"));
            assertEquals("454 4.7.1 <bob@remote.example.net>: Relay access denied", c.send("RCPT TO:<bob@remote.example.net>"));
            assertEquals("250 2.1.5 Ok", c.send("RCPT TO:<postmaster@localhost>"));
            assertEquals("221 2.0.0 Bye", c.send("QUIT"));
        }
        assertTrue(m.log().contains("NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 454 4.7.1 <bob@remote.example.net>: Relay access denied; from=<alice@example.org> to=<bob@remote.example.net> proto=ESMTP helo=<client.example.org>"), m.log());
    }

    @Test
    void sizeAndRecipientLimits() throws Exception {
        try (RawSmtp c = new RawSmtp(m.port())) {
            c.reply();
            c.send("EHLO client.example.org");
            assertEquals("552 5.3.4 Message size exceeds fixed limit", c.send("MAIL FROM:<alice@example.org> SIZE=30000"));
            assertEquals("250 2.1.0 Ok", c.send("MAIL FROM:<alice@example.org> SIZE=100"));
            for (int i = 0; i < 3; i++) assertEquals("250 2.1.5 Ok", c.send("RCPT TO:<postmaster@localhost>"));
            assertEquals("452 4.5.3 Error: too many recipients", c.send("RCPT TO:<postmaster@localhost>"));
            assertEquals("354 End data with <CR><LF>.<CR><LF>", c.send("DATA"));
            c.raw("Subject: big\r\n\r\n" + ("y".repeat(998) + "\r\n").repeat(25));
            assertEquals("552 5.3.4 Error: message file too big", c.send("."));
            assertEquals("250 2.0.0 Ok", c.send("RSET"));
            assertEquals("221 2.0.0 Bye", c.send("QUIT"));
        }
    }

    @Test
    void garbageAndLongLines() throws Exception {
        try (RawSmtp c = new RawSmtp(m.port())) {
            c.reply();
            assertEquals("500 5.5.2 Error: command not recognized", c.send("GARBAGE \u0001\u0002"));
            assertEquals("500 5.5.2 mail.example.com Error: command too long", c.send("NOOP " + "z".repeat(5000)));
            assertEquals("250 mail.example.com", c.send("HELO client.example.org"));
            assertEquals("501 Syntax: HELO hostname", c.send("HELO"));
            // errors so far: 3; the hard limit (5) ends the session
            c.send("FOO");
            assertEquals("500 5.5.2 Error: command not recognized", c.send("BAR"));
            assertEquals("421 4.7.0 mail.example.com Error: too many errors", c.reply());
            assertNull(c.reply());
        }
        assertTrue(m.log().contains("too many errors after "), m.log());
    }
}
