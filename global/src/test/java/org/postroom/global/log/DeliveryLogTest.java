package org.postroom.global.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DeliveryLogTest {
    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({"0,0", "4,0", "10,0.01", "690,0.69", "694,0.69", "7600,7.6", "7649,7.6", "9999,9.9", "23400,23", "100000,100"})
    void postfixDelayFormat(long ms, String text) {
        assertEquals(text, DeliveryLog.seconds(ms));
    }

    @Test
    void lineLayout() {
        assertEquals("64BE1160033: to=<root@mail.example.com>, orig_to=<root>, relay=local, delay=0.7, delays=0.69/0.01/0/0, dsn=2.0.0, status=sent (delivered to mailbox)",
                DeliveryLog.line("64BE1160033", "root@mail.example.com", "root", "local", 0, 690, 700, 700, 700, "2.0.0", "sent", "delivered to mailbox"));
        assertEquals("X: to=<a@b>, relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (ok)",
                DeliveryLog.line("X", "a@b", "A@B", "local", 5, 5, 5, 5, 5, "2.0.0", "sent", "ok"));
    }
}
