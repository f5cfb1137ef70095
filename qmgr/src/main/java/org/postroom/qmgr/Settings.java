package org.postroom.qmgr;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;
import org.postroom.global.log.Msg;
import org.postroom.util.Durations;

/** qmgr's configuration, read once; per-transport settings are read when a transport is first used. */
record Settings(MainCf cfg, int activeLimit, int maxRecord, Duration minBackoff, Duration maxBackoff,
                Duration queueRunDelay, Duration queueLifetime, Duration bounceLifetime, Duration transportRetry,
                String recipientDelimiter, ConcurrentMap<String, Transport> transports) {

    /**
     * A transport's scheduling settings (qmgr_transport_create()): its destinations' window limits, the
     * recipients per delivery (0: no limit) and the pause between deliveries to one destination. A rate
     * delay makes the concurrency limit 1.
     */
    record Transport(ConcurrencyWindow.Limits limits, int recipientLimit, Duration rateDelay) {}

    /** The per-transport parameter names, as suffixes of "TRANSPORT". */
    private static final java.util.List<String> SUFFIXES = java.util.List.of("_destination_concurrency_limit",
            "_destination_recipient_limit", "_initial_destination_concurrency", "_destination_rate_delay",
            "_destination_concurrency_positive_feedback", "_destination_concurrency_negative_feedback",
            "_destination_concurrency_failed_cohort_limit");

    /**
     * Reads qmgr's settings. Every TRANSPORT_x parameter set in main.cf is checked now, so that a bad
     * value stops qmgr at start-up with file:line, rather than when the first message for that
     * transport arrives (Postfix's qmgr dies then; ours would lose its scheduler thread).
     */
    static Settings from(MainCf cfg) {
        Settings s = create(cfg);
        for (String name : cfg.settings().keySet()) {
            for (String suffix : SUFFIXES) {
                String transport = name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : "";
                if (!transport.isEmpty() && !transport.equals("default")) s.transport(transport);
            }
        }
        return s;
    }

    private static Settings create(MainCf cfg) {
        return new Settings(cfg, cfg.get(Params.QMGR_MESSAGE_ACTIVE_LIMIT), Math.max(cfg.get(Params.LINE_LENGTH_LIMIT), 1024) * 4,
                cfg.get(Params.MINIMAL_BACKOFF_TIME), cfg.get(Params.MAXIMAL_BACKOFF_TIME), cfg.get(Params.QUEUE_RUN_DELAY),
                cfg.get(Params.MAXIMAL_QUEUE_LIFETIME), cfg.get(Params.BOUNCE_QUEUE_LIFETIME), cfg.get(Params.TRANSPORT_RETRY_TIME),
                cfg.get(Params.RECIPIENT_DELIMITER), new ConcurrentHashMap<>());
    }

    /** The settings of {@code transport}: {@code <transport>_name}, else the default_ parameter (get_mail_conf_int2()). */
    Transport transport(String transport) {
        return transports.computeIfAbsent(transport, this::read);
    }

    private Transport read(String t) {
        int limit = integer(t, "_destination_concurrency_limit", Params.DEFAULT_DESTINATION_CONCURRENCY_LIMIT, 0);
        int recipients = integer(t, "_destination_recipient_limit", Params.DEFAULT_DESTINATION_RECIPIENT_LIMIT, 0);
        int initial = integer(t, "_initial_destination_concurrency", Params.INITIAL_DESTINATION_CONCURRENCY, 1);
        Duration rateDelay = time(t, "_destination_rate_delay", Params.DEFAULT_DESTINATION_RATE_DELAY);
        if (rateDelay.isPositive()) limit = 1;
        Feedback positive = feedback(t, "_destination_concurrency_positive_feedback", Params.DEFAULT_DESTINATION_CONCURRENCY_POSITIVE_FEEDBACK);
        Feedback negative = feedback(t, "_destination_concurrency_negative_feedback", Params.DEFAULT_DESTINATION_CONCURRENCY_NEGATIVE_FEEDBACK);
        int cohorts = integer(t, "_destination_concurrency_failed_cohort_limit", Params.DEFAULT_DESTINATION_CONCURRENCY_FAILED_COHORT_LIMIT, 0);
        return new Transport(new ConcurrencyWindow.Limits(initial, limit, positive, negative, cohorts), recipients, rateDelay);
    }

    /** The per-transport value as text, or null when only the default_ parameter applies. */
    private String own(String name) {
        return cfg.raw(name) == null ? null : cfg.get(name);
    }

    private int integer(String t, String suffix, Param<Integer> fallback, int min) {
        String name = t + suffix;
        String v = own(name);
        int n;
        if (v == null) {
            name = fallback.name();
            n = cfg.get(fallback);
        } else {
            try {
                n = Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                throw new ConfigException(cfg.where(name) + ": bad numerical configuration: " + name + " = " + v);
            }
        }
        if (n < min) throw new ConfigException(cfg.where(name) + ": invalid " + name + " parameter value " + n + " < " + min);
        return n;
    }

    private Duration time(String t, String suffix, Param<Duration> fallback) {
        String name = t + suffix;
        String v = own(name);
        if (v == null) return cfg.get(fallback);
        try {
            Duration d = Durations.parse(v, 's');
            if (d.isNegative()) throw new IllegalArgumentException("negative");
            return d;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(cfg.where(name) + ": parameter " + name + ": bad time value or unit: " + v);
        }
    }

    private Feedback feedback(String t, String suffix, Param<String> fallback) {
        String name = t + suffix;
        String v = own(name);
        String def = cfg.get(fallback);
        return Feedback.parse(v == null ? def : v, name, fallback.name(), def, Msg::warn);
    }
}
