package org.postroom.qmgr;

import java.time.Duration;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;

/** qmgr's configuration, read once (per-transport limits fall back to the default_ ones). */
record Settings(MainCf cfg, int activeLimit, int maxRecord, Duration minBackoff, Duration maxBackoff,
                Duration queueRunDelay, Duration queueLifetime, Duration bounceLifetime, Duration transportRetry) {

    static Settings from(MainCf cfg) {
        return new Settings(cfg, cfg.get(Params.QMGR_MESSAGE_ACTIVE_LIMIT), Math.max(cfg.get(Params.LINE_LENGTH_LIMIT), 1024) * 4,
                cfg.get(Params.MINIMAL_BACKOFF_TIME), cfg.get(Params.MAXIMAL_BACKOFF_TIME), cfg.get(Params.QUEUE_RUN_DELAY),
                cfg.get(Params.MAXIMAL_QUEUE_LIFETIME), cfg.get(Params.BOUNCE_QUEUE_LIFETIME), cfg.get(Params.TRANSPORT_RETRY_TIME));
    }

    /** {@code <transport>_destination_concurrency_limit}, else default_destination_concurrency_limit. */
    int concurrencyLimit(String transport) {
        return perTransport(transport, "_destination_concurrency_limit", Params.DEFAULT_DESTINATION_CONCURRENCY_LIMIT.name());
    }

    /** {@code <transport>_destination_recipient_limit}, else default_destination_recipient_limit. */
    int recipientLimit(String transport) {
        return perTransport(transport, "_destination_recipient_limit", Params.DEFAULT_DESTINATION_RECIPIENT_LIMIT.name());
    }

    private int perTransport(String transport, String suffix, String fallback) {
        String v = cfg.get(transport + suffix);
        if (v.isEmpty()) v = cfg.get(fallback);
        try {
            int n = Integer.parseInt(v.strip());
            return n <= 0 ? Integer.MAX_VALUE : n;
        } catch (NumberFormatException e) {
            throw new org.postroom.global.config.ConfigException(cfg.where(transport + suffix) + ": " + transport + suffix
                    + ": bad numerical configuration: " + v);
        }
    }
}
