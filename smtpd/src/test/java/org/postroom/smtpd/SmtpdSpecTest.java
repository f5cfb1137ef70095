package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postroom.global.config.MainCf;
import org.postroom.service.ServiceContext;

class SmtpdSpecTest {
    @Test
    void declaredParametersHaveUsableDefaults() {
        MainCf empty = MainCf.parse(Path.of("/nonexistent/main.cf"), "", Map.of(), w -> {});
        empty.validate(Smtpd.SPEC.params());
        SmtpdConfig cfg = SmtpdConfig.from(empty);
        assertEquals(Duration.ofSeconds(300), cfg.timeout());
        assertEquals(20, cfg.hardErrorLimit());
        assertEquals(BareNewline.NORMALIZE, cfg.bareNewline());
        assertTrue(Smtpd.SPEC.requirements().isEmpty(), "smtpd runs unprivileged with any process limit");
    }

    @Test
    void startsWithoutTalkingToOtherServices() {
        MainCf cfg = MainCf.parse(Path.of("/nonexistent/main.cf"), "queue_directory = /nonexistent\ncompatibility_level = 3.6\n", Map.of(), w -> {});
        new Smtpd(new ServiceContext(cfg, "smtp", "inet", 100, false));
    }

    @Test
    void stressShortensTheLimits() {
        MainCf stressed = MainCf.parse(Path.of("/nonexistent/main.cf"), "", Map.of("stress", "yes"), w -> {});
        SmtpdConfig cfg = SmtpdConfig.from(stressed);
        assertEquals(Duration.ofSeconds(10), cfg.timeout());
        assertEquals(1, cfg.hardErrorLimit());
    }
}
