package org.postroom.qmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;

/** Per-transport settings as qmgr_transport_create() reads them. */
class SettingsTest {
    private static Settings settings(String mainCf) {
        return Settings.from(MainCf.parse(Path.of("/etc/postroom/main.cf"), mainCf, Map.of(), w -> {}));
    }

    @Test
    void postfixDefaults() {
        Settings s = settings("");
        assertEquals(new Settings.Transport(new ConcurrencyWindow.Limits(5, 20, Feedback.ONE, Feedback.ONE, 1), 50, Duration.ZERO),
                s.transport("smtp"));
        // local_ has its own built-in defaults; its initial concurrency is capped by its limit
        assertEquals(new Settings.Transport(new ConcurrencyWindow.Limits(2, 2, Feedback.ONE, Feedback.ONE, 1), 1, Duration.ZERO),
                s.transport("local"));
    }

    @Test
    void transportSettingsOverrideTheDefaults() {
        Settings s = settings("""
                initial_destination_concurrency = 3
                default_destination_concurrency_limit = 10
                default_destination_concurrency_negative_feedback = 1/concurrency
                relay_initial_destination_concurrency = 1
                relay_destination_concurrency_limit = 0
                relay_destination_concurrency_positive_feedback = 1/2
                relay_destination_concurrency_failed_cohort_limit = 0
                relay_destination_recipient_limit = 0
                """);
        assertEquals(new ConcurrencyWindow.Limits(3, 10, Feedback.ONE, new Feedback(1, true), 1), s.transport("smtp").limits());
        assertEquals(new Settings.Transport(new ConcurrencyWindow.Limits(1, 0, new Feedback(0.5, false), new Feedback(1, true), 0), 0,
                Duration.ZERO), s.transport("relay"));
    }

    @Test
    void aRateDelayMakesTheConcurrencyOne() {
        Settings s = settings("slow_destination_rate_delay = 2s\ndefault_destination_rate_delay = 0\n");
        assertEquals(new Settings.Transport(new ConcurrencyWindow.Limits(1, 1, Feedback.ONE, Feedback.ONE, 1), 50, Duration.ofSeconds(2)),
                s.transport("slow"));
        assertEquals(Duration.ZERO, s.transport("smtp").rateDelay());
    }

    @Test
    void aBadTransportValueStopsStartUp() {
        ConfigException e = assertThrows(ConfigException.class, () -> settings("relay_destination_recipient_limit = lots\n"));
        assertEquals("/etc/postroom/main.cf:1: bad numerical configuration: relay_destination_recipient_limit = lots", e.getMessage());
        // "initial_destination_concurrency" itself is a main parameter, not a transport's
        assertEquals(7, settings("initial_destination_concurrency = 7\n").transport("smtp").limits().initial());
    }

    @Test
    void badValuesAreFatalAsInPostfix() {
        ConfigException e = assertThrows(ConfigException.class, () -> settings("smtp_initial_destination_concurrency = 0\n").transport("smtp"));
        assertEquals("/etc/postroom/main.cf:1: invalid smtp_initial_destination_concurrency parameter value 0 < 1", e.getMessage());
        e = assertThrows(ConfigException.class, () -> settings("\nsmtp_destination_concurrency_limit = many\n").transport("smtp"));
        assertEquals("/etc/postroom/main.cf:2: bad numerical configuration: smtp_destination_concurrency_limit = many", e.getMessage());
        e = assertThrows(ConfigException.class, () -> settings("smtp_destination_rate_delay = 1x\n").transport("smtp"));
        assertEquals("/etc/postroom/main.cf:1: parameter smtp_destination_rate_delay: bad time value or unit: 1x", e.getMessage());
    }
}
