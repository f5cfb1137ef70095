package org.postroom.smtpd;

import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;

/**
 * Parameters smtpd reads that the global table does not declare yet (mail_params.h defaults). They
 * belong in {@code Params}; until then they live here, and {@link #get} supplies their defaults, which
 * {@code MainCf} only knows for declared parameters.
 */
final class SmtpdParams {
    private SmtpdParams() {}

    /** Reply code for the generic "reject" restriction. */
    static final Param<Integer> REJECT_CODE = Params.REJECT_CODE;
    /** Reply code for the generic "defer" restriction. */
    static final Param<Integer> DEFER_CODE = Params.DEFER_CODE;
    /** Reply code for reject_non_fqdn_{helo_hostname,sender,recipient}. */
    static final Param<Integer> NON_FQDN_REJECT_CODE = Params.NON_FQDN_REJECT_CODE;
    /** Reply code for reject_invalid_helo_hostname. */
    static final Param<Integer> INVALID_HOSTNAME_REJECT_CODE = Params.INVALID_HOSTNAME_REJECT_CODE;

    /** Reject RCPT for unknown recipients of our address classes (check_rcpt_maps). */
    static final Param<Boolean> REJECT_UNLISTED_RECIPIENT = Params.SMTPD_REJECT_UNLISTED_RECIPIENT;
    static final Param<java.util.List<String>> RELAY_RECIPIENT_MAPS = Params.RELAY_RECIPIENT_MAPS;
    static final Param<java.util.List<String>> CANONICAL_MAPS = Params.CANONICAL_MAPS;
    static final Param<java.util.List<String>> RECIPIENT_CANONICAL_MAPS = Params.RECIPIENT_CANONICAL_MAPS;
    static final Param<Integer> UNKNOWN_VIRTUAL_ALIAS_REJECT_CODE = Params.UNKNOWN_VIRTUAL_ALIAS_REJECT_CODE;
    static final Param<Integer> UNKNOWN_VIRTUAL_MAILBOX_REJECT_CODE = Params.UNKNOWN_VIRTUAL_MAILBOX_REJECT_CODE;
    static final Param<Integer> UNKNOWN_RELAY_RECIPIENT_REJECT_CODE = Params.UNKNOWN_RELAY_RECIPIENT_REJECT_CODE;
    static final Param<Boolean> SHOW_USER_UNKNOWN_TABLE_NAME = Params.SHOW_USER_UNKNOWN_TABLE_NAME;

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
