package org.postroom.smtp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;

/**
 * The parameters smtp(8) or lmtp(8) works with, read once (with master.cf -o overrides): lmtp(8)
 * reads the lmtp_x twin of every smtp_x parameter, as Postfix's lmtp does.
 */
record SmtpConfig(boolean lmtp, String myhostname, String heloName, Duration connectTimeout, Duration heloTimeout,
                  Duration mailTimeout, Duration rcptTimeout, Duration dataInitTimeout, Duration dataXferTimeout,
                  Duration dataDoneTimeout, Duration quitTimeout, Duration rsetTimeout, Duration starttlsTimeout,
                  int mxAddressLimit, int mxSessionLimit, int lineLengthLimit, boolean skip5xxGreeting, boolean randomize,
                  boolean alwaysEhlo, boolean neverEhlo, Set<String> discardEhloKeywords, List<String> fallbackRelay,
                  boolean dnsLookups, boolean mimeDowngrade, boolean softBounce, int defaultPort,
                  List<String> dnsServers, List<String> inetProtocols, int maxRecord, Duration minBackoff,
                  Cache cache, SmtpTls.Settings tls, SmtpSasl.Settings sasl) {

    /** Connection cache settings (smtp_connection_cache_*, smtp_connection_reuse_*). */
    record Cache(boolean onDemand, Duration timeLimit, Duration reuseTimeLimit, int reuseCountLimit, Set<String> destinations) {
        static final Cache OFF = new Cache(false, Duration.ZERO, Duration.ZERO, 0, Set.of());
    }

    static final List<Param<?>> PARAMS = params();

    private static List<Param<?>> params() {
        List<Param<?>> smtp = List.of(Params.SMTP_HELO_NAME, Params.SMTP_CONNECT_TIMEOUT, Params.SMTP_HELO_TIMEOUT,
                Params.SMTP_MAIL_TIMEOUT, Params.SMTP_RCPT_TIMEOUT, Params.SMTP_DATA_INIT_TIMEOUT, Params.SMTP_DATA_XFER_TIMEOUT,
                Params.SMTP_DATA_DONE_TIMEOUT, Params.SMTP_QUIT_TIMEOUT, Params.SMTP_RSET_TIMEOUT, Params.SMTP_STARTTLS_TIMEOUT,
                Params.SMTP_MX_ADDRESS_LIMIT, Params.SMTP_MX_SESSION_LIMIT, Params.SMTP_LINE_LENGTH_LIMIT,
                Params.SMTP_SKIP_5XX_GREETING, Params.SMTP_RANDOMIZE_ADDRESSES, Params.SMTP_ALWAYS_SEND_EHLO,
                Params.SMTP_NEVER_SEND_EHLO, Params.SMTP_DISCARD_EHLO_KEYWORDS, Params.SMTP_FALLBACK_RELAY,
                Params.SMTP_HOST_LOOKUP, Params.SMTP_CONNECTION_CACHE_ON_DEMAND, Params.SMTP_CONNECTION_CACHE_TIME_LIMIT,
                Params.SMTP_CONNECTION_REUSE_TIME_LIMIT, Params.SMTP_CONNECTION_REUSE_COUNT_LIMIT,
                Params.SMTP_CONNECTION_CACHE_DESTINATIONS, Params.SMTP_TLS_SECURITY_LEVEL, Params.SMTP_TLS_POLICY_MAPS,
                Params.SMTP_TLS_CAFILE, Params.SMTP_TLS_CAPATH, Params.SMTP_TLS_PROTOCOLS, Params.SMTP_TLS_MANDATORY_PROTOCOLS,
                Params.SMTP_TLS_VERIFY_CERT_MATCH, Params.SMTP_TLS_SECURE_CERT_MATCH, Params.SMTP_TLS_LOGLEVEL,
                Params.SMTP_TLS_SERVERNAME, Params.SMTP_TLS_WRAPPERMODE, Params.SMTP_TLS_CONNECTION_REUSE,
                Params.SMTP_TLS_NOTE_STARTTLS_OFFER, Params.SMTP_SASL_AUTH_ENABLE, Params.SMTP_SASL_PASSWORD_MAPS,
                Params.SMTP_SENDER_DEPENDENT_AUTHENTICATION, Params.SMTP_SASL_SECURITY_OPTIONS,
                Params.SMTP_SASL_TLS_SECURITY_OPTIONS, Params.SMTP_SASL_MECHANISM_FILTER, Params.SMTP_SASL_AUTH_SOFT_BOUNCE);
        List<Param<?>> all = new ArrayList<>(smtp);
        for (Param<?> p : smtp) all.add(Params.lmtp(p));
        all.addAll(List.of(Params.MYHOSTNAME, Params.QUEUE_DIRECTORY, Params.FALLBACK_RELAY, Params.DISABLE_DNS_LOOKUPS,
                Params.DISABLE_MIME_OUTPUT_CONVERSION, Params.LMTP_TCP_PORT, Params.SOFT_BOUNCE, Params.MINIMAL_BACKOFF_TIME,
                Params.DNS_SERVERS, Params.INET_PROTOCOLS, Params.INET_INTERFACES, Params.LINE_LENGTH_LIMIT, Params.RELAYHOST,
                Params.NOTIFY_CLASSES, Params.ERROR_NOTICE_RECIPIENT, Params.DOUBLE_BOUNCE_SENDER, Params.HEADER_FROM_FORMAT,
                Params.MAIL_NAME, Params.SMTPUTF8_ENABLE, Params.IPC_TIMEOUT));
        return List.copyOf(all);
    }

    static SmtpConfig from(MainCf cfg, boolean lmtp) {
        Reader r = new Reader(cfg, lmtp);
        List<String> protocols = cfg.get(Params.INET_PROTOCOLS);
        try {
            SmtpAddr.Settings.families(protocols);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(cfg.where(Params.INET_PROTOCOLS.name()) + ": " + e.getMessage());
        }
        String relayhost = cfg.get(Params.RELAYHOST);
        if (!lmtp && !relayhost.isBlank()) checkHop(cfg, Params.RELAYHOST.name(), relayhost);
        List<String> fallback = r.get(Params.SMTP_FALLBACK_RELAY);
        for (String f : fallback) checkHop(cfg, r.name(Params.SMTP_FALLBACK_RELAY), f);
        for (String s : cfg.get(Params.DNS_SERVERS)) {
            try {
                Dns.simple(s);
            } catch (IllegalArgumentException | java.net.UnknownHostException e) {
                throw new ConfigException(cfg.where(Params.DNS_SERVERS.name()) + ": " + e.getMessage());
            }
        }
        List<String> lookup = r.get(Params.SMTP_HOST_LOOKUP);
        for (String l : lookup) {
            if (!l.equalsIgnoreCase("dns") && !l.equalsIgnoreCase("native")) {
                throw new ConfigException(cfg.where(r.name(Params.SMTP_HOST_LOOKUP)) + ": " + r.name(Params.SMTP_HOST_LOOKUP)
                        + ": bad value \"" + l + "\"");
            }
        }
        boolean dns = !lmtp && !cfg.get(Params.DISABLE_DNS_LOOKUPS) && lookup.stream().anyMatch(l -> l.equalsIgnoreCase("dns"));
        Set<String> discard = new HashSet<>();
        for (String k : r.get(Params.SMTP_DISCARD_EHLO_KEYWORDS)) discard.add(k.toLowerCase(Locale.ROOT));
        Set<String> cacheDest = new HashSet<>();
        for (String d : r.get(Params.SMTP_CONNECTION_CACHE_DESTINATIONS)) cacheDest.add(d.toLowerCase(Locale.ROOT));
        Cache cache = new Cache(r.get(Params.SMTP_CONNECTION_CACHE_ON_DEMAND), r.get(Params.SMTP_CONNECTION_CACHE_TIME_LIMIT),
                r.get(Params.SMTP_CONNECTION_REUSE_TIME_LIMIT), r.get(Params.SMTP_CONNECTION_REUSE_COUNT_LIMIT), Set.copyOf(cacheDest));
        return new SmtpConfig(lmtp, cfg.get(Params.MYHOSTNAME), r.get(Params.SMTP_HELO_NAME), r.get(Params.SMTP_CONNECT_TIMEOUT),
                r.get(Params.SMTP_HELO_TIMEOUT), r.get(Params.SMTP_MAIL_TIMEOUT), r.get(Params.SMTP_RCPT_TIMEOUT),
                r.get(Params.SMTP_DATA_INIT_TIMEOUT), r.get(Params.SMTP_DATA_XFER_TIMEOUT), r.get(Params.SMTP_DATA_DONE_TIMEOUT),
                r.get(Params.SMTP_QUIT_TIMEOUT), r.get(Params.SMTP_RSET_TIMEOUT), r.get(Params.SMTP_STARTTLS_TIMEOUT),
                r.get(Params.SMTP_MX_ADDRESS_LIMIT), r.get(Params.SMTP_MX_SESSION_LIMIT),
                Math.max(r.get(Params.SMTP_LINE_LENGTH_LIMIT), 0), r.get(Params.SMTP_SKIP_5XX_GREETING),
                r.get(Params.SMTP_RANDOMIZE_ADDRESSES), r.get(Params.SMTP_ALWAYS_SEND_EHLO), r.get(Params.SMTP_NEVER_SEND_EHLO),
                Set.copyOf(discard), fallback, dns, !cfg.get(Params.DISABLE_MIME_OUTPUT_CONVERSION), cfg.get(Params.SOFT_BOUNCE),
                lmtp ? cfg.get(Params.LMTP_TCP_PORT) : 25, cfg.get(Params.DNS_SERVERS), protocols,
                Math.max(cfg.get(Params.LINE_LENGTH_LIMIT), 1024) * 4, cfg.get(Params.MINIMAL_BACKOFF_TIME), cache,
                SmtpTls.Settings.from(cfg, r), SmtpSasl.Settings.from(cfg, r));
    }

    private static void checkHop(MainCf cfg, String param, String value) {
        try {
            Nexthop.parse(value, 25);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(cfg.where(param) + ": " + param + ": " + e.getMessage());
        }
    }

    /** Reads the smtp_x parameter, or its lmtp_x twin for lmtp(8). */
    record Reader(MainCf cfg, boolean lmtp) {
        <T> T get(Param<T> smtp) {
            return cfg.get(lmtp ? Params.lmtp(smtp) : smtp);
        }

        String name(Param<?> smtp) {
            return (lmtp ? Params.lmtp(smtp) : smtp).name();
        }

        /** "file:line: parameter" for a configuration error message. */
        String where(Param<?> smtp) {
            return cfg.where(name(smtp)) + ": " + name(smtp);
        }
    }
}
