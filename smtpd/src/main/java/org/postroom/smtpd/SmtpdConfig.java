package org.postroom.smtpd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.mail.MailError;

/** The parameters smtpd works with, read once from main.cf (and master.cf -o overrides). */
record SmtpdConfig(
        String myhostname,
        String mailName,
        String banner,
        long messageSizeLimit,
        int lineLengthLimit,
        int recipientLimit,
        int recipientOvershootLimit,
        int softErrorLimit,
        int hardErrorLimit,
        Duration errorSleep,
        Duration timeout,
        Duration ipcTimeout,
        boolean heloRequired,
        boolean disableVrfy,
        boolean smtputf8,
        boolean forbidUnauthPipelining,
        boolean hideClientSession,
        BareNewline bareNewline,
        int bareNewlineRejectCode,
        NetworkList bareNewlineExclusions,
        NetworkList mynetworks,
        Restrictions restrictions,
        ClientLimits limits,
        long queueMinfree,
        int notifyMask,
        int historyThreshold) {

    static SmtpdConfig from(MainCf cfg) {
        NetworkList mynetworks = networks(cfg, Params.MYNETWORKS.name(), cfg.get(Params.MYNETWORKS));
        Restrictions.Codes codes = new Restrictions.Codes(SmtpdParams.get(cfg, SmtpdParams.REJECT_CODE), SmtpdParams.get(cfg, SmtpdParams.DEFER_CODE),
                cfg.get(Params.RELAY_DOMAINS_REJECT_CODE), SmtpdParams.get(cfg, SmtpdParams.NON_FQDN_REJECT_CODE),
                SmtpdParams.get(cfg, SmtpdParams.INVALID_HOSTNAME_REJECT_CODE));
        Restrictions restrictions = new Restrictions(cfg.get(Params.SMTPD_CLIENT_RESTRICTIONS),
                cfg.get(Params.SMTPD_HELO_RESTRICTIONS), cfg.get(Params.SMTPD_SENDER_RESTRICTIONS),
                cfg.get(Params.SMTPD_RELAY_RESTRICTIONS), cfg.get(Params.SMTPD_RECIPIENT_RESTRICTIONS),
                mynetworks, codes, cfg.get(Params.SOFT_BOUNCE), Optional.of(new RecipientMaps(cfg)),
                SmtpdParams.get(cfg, SmtpdParams.REJECT_UNLISTED_RECIPIENT));
        BareNewline bare;
        try {
            bare = BareNewline.parse(cfg.get(Params.SMTPD_FORBID_BARE_NEWLINE));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(cfg.where(Params.SMTPD_FORBID_BARE_NEWLINE.name()) + ": " + e.getMessage());
        }
        int lineLimit = cfg.get(Params.LINE_LENGTH_LIMIT);
        if (lineLimit < 1) throw new ConfigException(cfg.where(Params.LINE_LENGTH_LIMIT.name()) + ": line_length_limit must be positive");
        return new SmtpdConfig(
                cfg.get(Params.MYHOSTNAME),
                cfg.get(Params.MAIL_NAME),
                cfg.get(Params.SMTPD_BANNER),
                cfg.get(Params.MESSAGE_SIZE_LIMIT),
                lineLimit,
                cfg.get(Params.SMTPD_RECIPIENT_LIMIT),
                cfg.get(Params.SMTPD_RECIPIENT_OVERSHOOT_LIMIT),
                cfg.get(Params.SMTPD_SOFT_ERROR_LIMIT),
                cfg.get(Params.SMTPD_HARD_ERROR_LIMIT),
                cfg.get(Params.SMTPD_ERROR_SLEEP_TIME),
                cfg.get(Params.SMTPD_TIMEOUT),
                cfg.get(Params.IPC_TIMEOUT),
                cfg.get(Params.SMTPD_HELO_REQUIRED),
                cfg.get(Params.DISABLE_VRFY_COMMAND),
                cfg.get(Params.SMTPUTF8_ENABLE),
                cfg.get(Params.SMTPD_FORBID_UNAUTH_PIPELINING),
                cfg.get(Params.SMTPD_HIDE_CLIENT_SESSION),
                bare,
                cfg.get(Params.SMTPD_FORBID_BARE_NEWLINE_REJECT_CODE),
                networks(cfg, Params.SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS.name(), cfg.get(Params.SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS)),
                mynetworks,
                restrictions,
                ClientLimits.from(cfg),
                cfg.get(Params.QUEUE_MINFREE),
                notifyMask(cfg),
                cfg.get(Params.SMTPD_HISTORY_FLUSH_THRESHOLD));
    }

    /** notify_classes as a mask; an unknown class is fatal, as in Postfix. */
    private static int notifyMask(MainCf cfg) {
        try {
            return MailError.mask(cfg.get(Params.NOTIFY_CLASSES));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(cfg.where(Params.NOTIFY_CLASSES.name()) + ": " + e.getMessage());
        }
    }

    private static NetworkList networks(MainCf cfg, String name, List<String> value) {
        try {
            return NetworkList.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(cfg.where(name) + ": " + name + ": " + e.getMessage());
        }
    }

    /** smtpd_forbid_bare_newline for this client: clients in the exclusion list get "no". */
    BareNewline bareNewlineFor(ClientInfo client) {
        if (bareNewline == BareNewline.NO) return BareNewline.NO;
        return bareNewlineExclusions.matches(client.inet(), client.name()) ? BareNewline.NO : bareNewline;
    }

    /** The EHLO keywords after the host name, in Postfix's order. */
    List<String> ehloKeywords() {
        List<String> k = new ArrayList<>();
        k.add("PIPELINING");
        k.add(messageSizeLimit > 0 ? "SIZE " + messageSizeLimit : "SIZE");
        if (!disableVrfy) k.add("VRFY");
        k.addAll(List.of("ETRN", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN"));
        if (smtputf8) k.add("SMTPUTF8");
        k.add("CHUNKING");
        return k;
    }
}
