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

    @Test
    void noticesGoToTheErrorRecipientAndBouncesToTheBounceRecipient() {
        MainCf cfg = MainCf.parse(Path.of("/nonexistent/main.cf"), "myhostname = mx.example\nerror_notice_recipient = errors\n"
                + "bounce_notice_recipient = bounces\n", Map.of(), w -> {});
        java.util.List<String> sent = new java.util.ArrayList<>();
        ChatNotifier n = Smtpd.notifier(cfg, (rcpt, lines) -> {
            sent.add(rcpt);
            sent.add(lines.get(1));
        });
        n.notify(org.postroom.global.mail.MailError.PROTOCOL, "unknown[192.0.2.1]", java.util.List.of("In:  FOO"), null);
        n.notify(org.postroom.global.mail.MailError.BOUNCE | org.postroom.global.mail.MailError.POLICY, "unknown[192.0.2.1]",
                java.util.List.of("In:  FOO"), null);
        // smtpd_chat_notify() puts error_notice_recipient in To: even when the envelope goes to the bounce recipient
        assertEquals(java.util.List.of("errors", "To: Postmaster <errors>", "bounces", "To: Postmaster <errors>"), sent);
    }

    @Test
    void anUnknownNotifyClassIsAConfigurationError() {
        MainCf cfg = MainCf.parse(Path.of("/nonexistent/main.cf"), "notify_classes = resource, sofware\n", Map.of(), w -> {});
        org.postroom.global.config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.postroom.global.config.ConfigException.class, () -> SmtpdConfig.from(cfg));
        assertTrue(e.getMessage().contains("unknown notify_classes value \"sofware\" in \"resource, sofware\""), e.getMessage());
    }
}
