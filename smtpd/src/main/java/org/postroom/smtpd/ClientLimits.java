package org.postroom.smtpd;

import java.time.Duration;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;

/**
 * The anvil(8) limits smtpd enforces per client (smtpd.c): concurrent sessions and the connection,
 * message, recipient and AUTH rates per anvil_rate_time_unit; 0 turns a limit off. A limit is exceeded when
 * the count is greater than it. AUTH commands are counted too (smtpd_client_auth_rate_limit). Clients in smtpd_client_event_limit_exceptions (by default
 * $mynetworks) are not limited.
 */
record ClientLimits(int connectionCount, int connectionRate, int messageRate, int recipientRate, int authRate,
                    NetworkList exceptions, Duration timeUnit) {

    static ClientLimits from(MainCf cfg) {
        NetworkList exceptions;
        try {
            exceptions = NetworkList.parse(cfg.get(Params.SMTPD_CLIENT_EVENT_LIMIT_EXCEPTIONS));
        } catch (IllegalArgumentException e) {
            String name = Params.SMTPD_CLIENT_EVENT_LIMIT_EXCEPTIONS.name();
            throw new ConfigException(cfg.where(name) + ": " + name + ": " + e.getMessage());
        }
        return new ClientLimits(cfg.get(Params.SMTPD_CLIENT_CONNECTION_COUNT_LIMIT),
                cfg.get(Params.SMTPD_CLIENT_CONNECTION_RATE_LIMIT), cfg.get(Params.SMTPD_CLIENT_MESSAGE_RATE_LIMIT),
                cfg.get(Params.SMTPD_CLIENT_RECIPIENT_RATE_LIMIT), cfg.get(Params.SMTPD_CLIENT_AUTH_RATE_LIMIT), exceptions, cfg.get(Params.ANVIL_RATE_TIME_UNIT));
    }

    boolean exempt(ClientInfo client) {
        return exceptions.matches(client.inet(), client.name());
    }
}
