package org.postroom.smtp;

import java.time.Duration;
import java.util.List;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;

/** The parameters smtp(8) works with, read once (with master.cf -o overrides). */
record SmtpConfig(String heloName, Duration connectTimeout, Duration heloTimeout, Duration mailTimeout,
                  Duration rcptTimeout, Duration dataInitTimeout, Duration dataXferTimeout, Duration dataDoneTimeout,
                  Duration quitTimeout, int mxAddressLimit, int mxSessionLimit, int lineLengthLimit, boolean skip5xxGreeting,
                  boolean randomize, List<String> dnsServers, List<String> inetProtocols, int maxRecord) {

    static final List<Param<?>> PARAMS = List.of(Params.MYHOSTNAME, Params.QUEUE_DIRECTORY, Params.SMTP_HELO_NAME,
            Params.SMTP_CONNECT_TIMEOUT, Params.SMTP_HELO_TIMEOUT, Params.SMTP_MAIL_TIMEOUT, Params.SMTP_RCPT_TIMEOUT,
            Params.SMTP_DATA_INIT_TIMEOUT, Params.SMTP_DATA_XFER_TIMEOUT, Params.SMTP_DATA_DONE_TIMEOUT,
            Params.SMTP_QUIT_TIMEOUT, Params.SMTP_MX_ADDRESS_LIMIT, Params.SMTP_MX_SESSION_LIMIT,
            Params.SMTP_LINE_LENGTH_LIMIT, Params.SMTP_SKIP_5XX_GREETING, Params.SMTP_RANDOMIZE_ADDRESSES,
            Params.DNS_SERVERS, Params.INET_PROTOCOLS, Params.INET_INTERFACES, Params.LINE_LENGTH_LIMIT, Params.RELAYHOST);

    static SmtpConfig from(MainCf cfg) {
        List<String> protocols = cfg.get(Params.INET_PROTOCOLS);
        try {
            SmtpAddr.Settings.families(protocols);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(cfg.where(Params.INET_PROTOCOLS.name()) + ": " + e.getMessage());
        }
        String relayhost = cfg.get(Params.RELAYHOST);
        if (!relayhost.isBlank()) {
            try {
                Nexthop.parse(relayhost, 25);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(cfg.where(Params.RELAYHOST.name()) + ": relayhost: " + e.getMessage());
            }
        }
        for (String s : cfg.get(Params.DNS_SERVERS)) {
            try {
                Dns.simple(s);
            } catch (IllegalArgumentException | java.net.UnknownHostException e) {
                throw new ConfigException(cfg.where(Params.DNS_SERVERS.name()) + ": " + e.getMessage());
            }
        }
        return new SmtpConfig(cfg.get(Params.SMTP_HELO_NAME), cfg.get(Params.SMTP_CONNECT_TIMEOUT),
                cfg.get(Params.SMTP_HELO_TIMEOUT), cfg.get(Params.SMTP_MAIL_TIMEOUT), cfg.get(Params.SMTP_RCPT_TIMEOUT),
                cfg.get(Params.SMTP_DATA_INIT_TIMEOUT), cfg.get(Params.SMTP_DATA_XFER_TIMEOUT),
                cfg.get(Params.SMTP_DATA_DONE_TIMEOUT), cfg.get(Params.SMTP_QUIT_TIMEOUT),
                cfg.get(Params.SMTP_MX_ADDRESS_LIMIT), cfg.get(Params.SMTP_MX_SESSION_LIMIT),
                Math.max(cfg.get(Params.SMTP_LINE_LENGTH_LIMIT), 0), cfg.get(Params.SMTP_SKIP_5XX_GREETING),
                cfg.get(Params.SMTP_RANDOMIZE_ADDRESSES), cfg.get(Params.DNS_SERVERS), protocols,
                Math.max(cfg.get(Params.LINE_LENGTH_LIMIT), 1024) * 4);
    }
}
