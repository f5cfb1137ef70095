package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AnvilTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Anvil anvil = new Anvil("smtp", Duration.ofSeconds(60), now::get);

    @Test
    void countsOpenSessionsAndRatesPerTimeUnit() {
        assertEquals(new Anvil.Counts(1, 1), anvil.connect("a"));
        assertEquals(new Anvil.Counts(2, 2), anvil.connect("a"));
        assertEquals(new Anvil.Counts(1, 1), anvil.connect("b"));
        anvil.disconnect("a");
        assertEquals(new Anvil.Counts(2, 3), anvil.connect("a"));
        assertEquals(1, anvil.message("a"));
        assertEquals(2, anvil.message("a"));
        assertEquals(1, anvil.recipient("a"));
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        // a new time unit: rates start again, open sessions stay counted
        assertEquals(new Anvil.Counts(3, 1), anvil.connect("a"));
        assertEquals(1, anvil.message("a"));
    }

    @Test
    void idleClientsAreForgotten() {
        for (int i = 0; i < 5000; i++) {
            anvil.connect("c" + i);
            anvil.disconnect("c" + i);
        }
        anvil.connect("held");
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        for (int i = 0; i < 1000; i++) anvil.message("x");
        assertEquals(2, anvil.clients(), "only the client with an open session and the current one remain");
        anvil.disconnect("held");
        assertEquals(1, anvil.clients());
    }
}
