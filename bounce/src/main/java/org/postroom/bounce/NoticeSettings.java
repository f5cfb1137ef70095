package org.postroom.bounce;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;
import java.util.function.Consumer;
import org.postroom.global.bounce.TemplateContext;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;

/**
 * The configuration a notice depends on: the names it shows (myhostname, mail_name, myorigin), how it is
 * encoded (smtputf8_enable), how much of the original it may return (bounce_size_limit), the retry limit
 * of a delay notice (maximal_queue_lifetime), threading (enable_threaded_bounces), the From: style
 * (header_from_format), the Message-Id form (enable_long_queue_ids), the time zone of its dates, and what
 * $name in template text expands to.
 */
public record NoticeSettings(String myhostname, String mailName, String myorigin, boolean smtputf8Enable, long bounceSizeLimit,
                             Duration maximalQueueLifetime, boolean threadedBounces, boolean obsoleteFrom, boolean longQueueIds,
                             ZoneId zone, TemplateContext templateContext) {
    public NoticeSettings {
        Objects.requireNonNull(myhostname);
        Objects.requireNonNull(mailName);
        Objects.requireNonNull(myorigin);
        Objects.requireNonNull(maximalQueueLifetime);
        Objects.requireNonNull(zone);
        Objects.requireNonNull(templateContext);
    }

    /** The settings of a configuration, with dates in this host's time zone; template warnings go to {@code warn}. */
    public static NoticeSettings of(MainCf cfg, Consumer<String> warn) {
        return new NoticeSettings(cfg.get(Params.MYHOSTNAME), cfg.get(Params.MAIL_NAME), cfg.get(Params.MYORIGIN),
                cfg.get(Params.SMTPUTF8_ENABLE), cfg.get(Params.BOUNCE_SIZE_LIMIT), cfg.get(Params.MAXIMAL_QUEUE_LIFETIME),
                cfg.get(Params.ENABLE_THREADED_BOUNCES), cfg.get(Params.HEADER_FROM_FORMAT).equals("obsolete"),
                cfg.get(Params.ENABLE_LONG_QUEUE_IDS), ZoneId.systemDefault(), TemplateContext.of(cfg, warn));
    }

    /** The same settings with dates in another zone (tests compare with notices made in UTC). */
    public NoticeSettings withZone(ZoneId z) {
        return new NoticeSettings(myhostname, mailName, myorigin, smtputf8Enable, bounceSizeLimit, maximalQueueLifetime,
                threadedBounces, obsoleteFrom, longQueueIds, z, templateContext);
    }
}
