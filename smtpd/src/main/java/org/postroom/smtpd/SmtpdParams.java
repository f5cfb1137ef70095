package org.postroom.smtpd;

import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;

/**
 * Parameters smtpd reads that the global table does not declare yet (mail_params.h defaults). They
 * belong in {@code Params}; until then they live here, and {@link #get} supplies their defaults, which
 * {@code MainCf} only knows for declared parameters.
 */
final class SmtpdParams {
    private SmtpdParams() {}

    /** Reply code for the generic "reject" restriction. */
    static final Param<Integer> REJECT_CODE = Param.integer("reject_code", "554");
    /** Reply code for the generic "defer" restriction. */
    static final Param<Integer> DEFER_CODE = Param.integer("defer_code", "450");
    /** Reply code for reject_non_fqdn_{helo_hostname,sender,recipient}. */
    static final Param<Integer> NON_FQDN_REJECT_CODE = Param.integer("non_fqdn_reject_code", "504");
    /** Reply code for reject_invalid_helo_hostname. */
    static final Param<Integer> INVALID_HOSTNAME_REJECT_CODE = Param.integer("invalid_hostname_reject_code", "501");

    /** Reject RCPT for unknown recipients of our address classes (check_rcpt_maps). */
    static final Param<Boolean> REJECT_UNLISTED_RECIPIENT = Param.bool("smtpd_reject_unlisted_recipient", "yes");
    static final Param<java.util.List<String>> RELAY_RECIPIENT_MAPS = Param.list("relay_recipient_maps", "");
    static final Param<java.util.List<String>> CANONICAL_MAPS = Param.list("canonical_maps", "");
    static final Param<java.util.List<String>> RECIPIENT_CANONICAL_MAPS = Param.list("recipient_canonical_maps", "");
    static final Param<Integer> UNKNOWN_VIRTUAL_ALIAS_REJECT_CODE = Param.integer("unknown_virtual_alias_reject_code", "550");
    static final Param<Integer> UNKNOWN_VIRTUAL_MAILBOX_REJECT_CODE = Param.integer("unknown_virtual_mailbox_reject_code", "550");
    static final Param<Integer> UNKNOWN_RELAY_RECIPIENT_REJECT_CODE = Param.integer("unknown_relay_recipient_reject_code", "550");
    static final Param<Boolean> SHOW_USER_UNKNOWN_TABLE_NAME = Param.bool("show_user_unknown_table_name", "yes");

    /** The typed value of a local parameter: main.cf or -o when set, else its default. */
    static <T> T get(MainCf cfg, Param<T> p) {
        if (cfg.raw(p.name()) != null) return cfg.get(p);
        try {
            return p.parser().parse(cfg.expand(p.defaultValue()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(p.name() + ": " + e.getMessage());
        }
    }
}
