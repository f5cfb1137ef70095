package org.postroom.global.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every main.cf parameter Postroom implements, with its Postfix default (mail_params.h). {@code postconf -d}
 * lists exactly these. Defaults marked @HOSTNAME@, @DOMAIN@ and @MYNETWORKS@ are computed from this host
 * by {@link HostDefaults}.
 */
public final class Params {
    private Params() {}

    private static final Map<String, Param<?>> ALL = new LinkedHashMap<>();

    private static <T> Param<T> reg(Param<T> p) {
        ALL.put(p.name(), p);
        return p;
    }

    private static final Map<String, Param<?>> LMTP = new LinkedHashMap<>();

    /** Declares smtp_x and its lmtp_x twin (lmtp_lhlo_name and lmtp_lhlo_timeout for the HELO ones). */
    private static <T> Param<T> smtp(Param<T> p) {
        reg(p);
        String n = p.name().substring("smtp_".length());
        String name = switch (n) {
            case "helo_name" -> "lmtp_lhlo_name";
            case "helo_timeout" -> "lmtp_lhlo_timeout";
            default -> "lmtp_" + n;
        };
        String def = switch (n) {
            case "connect_timeout" -> "0s";
            case "fallback_relay" -> "";
            default -> p.defaultValue().replace("$smtp_", "$lmtp_");
        };
        Param<T> twin = new Param<>(name, def, p.parser());
        reg(twin);
        LMTP.put(p.name(), twin);
        return p;
    }

    /** The lmtp_x twin of an smtp_x parameter, or the parameter itself when it has none. */
    @SuppressWarnings("unchecked")
    public static <T> Param<T> lmtp(Param<T> smtp) {
        Param<?> t = LMTP.get(smtp.name());
        return t == null ? smtp : (Param<T>) t;
    }

    public static final Param<String> CONFIG_DIRECTORY = reg(Param.string("config_directory", "/etc/postroom"));
    public static final Param<String> QUEUE_DIRECTORY = reg(Param.string("queue_directory", "/var/spool/postroom"));
    public static final Param<String> COMMAND_DIRECTORY = reg(Param.string("command_directory", "/usr/sbin"));
    public static final Param<String> DAEMON_DIRECTORY = reg(Param.string("daemon_directory", "/usr/libexec/postroom"));
    public static final Param<String> DATA_DIRECTORY = reg(Param.string("data_directory", "/var/lib/postroom"));
    public static final Param<String> MAIL_OWNER = reg(Param.string("mail_owner", "postfix"));
    public static final Param<String> SETGID_GROUP = reg(Param.string("setgid_group", "postdrop"));
    public static final Param<String> DEFAULT_PRIVS = reg(Param.string("default_privs", "nobody"));
    public static final Param<String> COMPATIBILITY_LEVEL = reg(Param.string("compatibility_level", "0"));
    public static final Param<String> MAIL_NAME = reg(Param.string("mail_name", "Postfix"));
    public static final Param<String> MAIL_VERSION = reg(Param.string("mail_version", "3.7.11-postroom-0.1"));
    public static final Param<String> SYSLOG_NAME = reg(Param.string("syslog_name", "${multi_instance_name?{$multi_instance_name}:{postfix}}"));
    public static final Param<String> MULTI_INSTANCE_NAME = reg(Param.string("multi_instance_name", ""));
    public static final Param<String> MAILLOG_FILE = reg(Param.string("maillog_file", ""));
    public static final Param<String> MYHOSTNAME = reg(Param.string("myhostname", "@HOSTNAME@"));
    public static final Param<String> MYDOMAIN = reg(Param.string("mydomain", "@DOMAIN@"));
    public static final Param<String> MYORIGIN = reg(Param.string("myorigin", "$myhostname"));
    public static final Param<List<String>> MYDESTINATION = reg(Param.list("mydestination", "$myhostname, localhost.$mydomain, localhost"));
    public static final Param<String> MYNETWORKS_STYLE = reg(Param.string("mynetworks_style", "${{$compatibility_level} <level {2} ? {subnet} : {host}}"));
    public static final Param<List<String>> MYNETWORKS = reg(Param.list("mynetworks", "@MYNETWORKS@"));
    public static final Param<List<String>> INET_INTERFACES = reg(Param.list("inet_interfaces", "all"));
    public static final Param<List<String>> INET_PROTOCOLS = reg(Param.list("inet_protocols", "all"));
    public static final Param<List<String>> RELAY_DOMAINS = reg(Param.list("relay_domains", "${{$compatibility_level} <level {2} ? {$mydestination} : {}}"));
    public static final Param<String> RELAYHOST = reg(Param.string("relayhost", ""));
    public static final Param<Boolean> APPEND_DOT_MYDOMAIN = reg(Param.bool("append_dot_mydomain", "${{$compatibility_level} <level {1} ? {yes} : {no}}"));
    public static final Param<Boolean> APPEND_AT_MYORIGIN = reg(Param.bool("append_at_myorigin", "yes"));
    public static final Param<Boolean> SWAP_BANGPATH = reg(Param.bool("swap_bangpath", "yes"));
    public static final Param<Boolean> ALLOW_PERCENT_HACK = reg(Param.bool("allow_percent_hack", "yes"));
    public static final Param<String> RECIPIENT_DELIMITER = reg(Param.string("recipient_delimiter", ""));
    public static final Param<String> EMPTY_ADDRESS_RECIPIENT = reg(Param.string("empty_address_recipient", "MAILER-DAEMON"));
    public static final Param<String> DOUBLE_BOUNCE_SENDER = reg(Param.string("double_bounce_sender", "double-bounce"));
    public static final Param<String> LOCAL_TRANSPORT = reg(Param.string("local_transport", "local:$myhostname"));
    public static final Param<String> DEFAULT_TRANSPORT = reg(Param.string("default_transport", "smtp"));
    public static final Param<String> RELAY_TRANSPORT = reg(Param.string("relay_transport", "relay"));
    public static final Param<String> VIRTUAL_TRANSPORT = reg(Param.string("virtual_transport", "virtual"));
    public static final Param<List<String>> VIRTUAL_MAILBOX_DOMAINS = reg(Param.list("virtual_mailbox_domains", "$virtual_mailbox_maps"));
    public static final Param<List<String>> VIRTUAL_MAILBOX_MAPS = reg(Param.list("virtual_mailbox_maps", ""));
    public static final Param<List<String>> VIRTUAL_ALIAS_DOMAINS = reg(Param.list("virtual_alias_domains", "$virtual_alias_maps"));
    public static final Param<List<String>> VIRTUAL_ALIAS_MAPS = reg(Param.list("virtual_alias_maps", "$virtual_maps"));
    public static final Param<List<String>> VIRTUAL_MAPS = reg(Param.list("virtual_maps", ""));
    public static final Param<String> SMTPD_BANNER = reg(Param.string("smtpd_banner", "$myhostname ESMTP $mail_name"));
    public static final Param<Duration> SMTPD_TIMEOUT = reg(Param.time("smtpd_timeout", "${stress?{10}:{300}}s", 's'));
    // TLS in smtpd (smtpd.c, tls_server.c)
    public static final Param<String> SMTPD_TLS_SECURITY_LEVEL = reg(Param.string("smtpd_tls_security_level", ""));
    public static final Param<Boolean> SMTPD_USE_TLS = reg(Param.bool("smtpd_use_tls", "no"));
    public static final Param<Boolean> SMTPD_ENFORCE_TLS = reg(Param.bool("smtpd_enforce_tls", "no"));
    public static final Param<String> SMTPD_TLS_CERT_FILE = reg(Param.string("smtpd_tls_cert_file", ""));
    public static final Param<String> SMTPD_TLS_KEY_FILE = reg(Param.string("smtpd_tls_key_file", "$smtpd_tls_cert_file"));
    public static final Param<String> SMTPD_TLS_ECCERT_FILE = reg(Param.string("smtpd_tls_eccert_file", ""));
    public static final Param<String> SMTPD_TLS_ECKEY_FILE = reg(Param.string("smtpd_tls_eckey_file", "$smtpd_tls_eccert_file"));
    public static final Param<List<String>> SMTPD_TLS_CHAIN_FILES = reg(Param.list("smtpd_tls_chain_files", ""));
    public static final Param<Boolean> SMTPD_TLS_AUTH_ONLY = reg(Param.bool("smtpd_tls_auth_only", "no"));
    public static final Param<Boolean> SMTPD_TLS_WRAPPERMODE = reg(Param.bool("smtpd_tls_wrappermode", "no"));
    public static final Param<Boolean> SMTPD_TLS_RECEIVED_HEADER = reg(Param.bool("smtpd_tls_received_header", "no"));
    public static final Param<Integer> SMTPD_TLS_LOGLEVEL = reg(Param.integer("smtpd_tls_loglevel", "0"));
    /** Postroom: TLS 1.2 and up by default (Postfix 3.7: >=TLSv1); the JDK disables TLS 1.0 and 1.1 anyway. */
    public static final Param<String> SMTPD_TLS_PROTOCOLS = reg(Param.string("smtpd_tls_protocols", ">=TLSv1.2"));
    public static final Param<String> SMTPD_TLS_MANDATORY_PROTOCOLS = reg(Param.string("smtpd_tls_mandatory_protocols", ">=TLSv1.2"));
    public static final Param<String> SMTPD_TLS_CIPHERS = reg(Param.string("smtpd_tls_ciphers", "medium"));
    public static final Param<String> SMTPD_TLS_MANDATORY_CIPHERS = reg(Param.string("smtpd_tls_mandatory_ciphers", "medium"));
    public static final Param<Boolean> SMTPD_TLS_ASK_CCERT = reg(Param.bool("smtpd_tls_ask_ccert", "no"));
    public static final Param<Duration> SMTPD_TLS_SESSION_CACHE_TIMEOUT = reg(Param.time("smtpd_tls_session_cache_timeout", "3600s", 's'));
    public static final Param<Duration> SMTPD_STARTTLS_TIMEOUT = reg(Param.time("smtpd_starttls_timeout", "${stress?{10}:{300}}s", 's'));
    // SASL in smtpd (smtpd_sasl_glue.c, xsasl)
    public static final Param<Boolean> SMTPD_SASL_AUTH_ENABLE = reg(Param.bool("smtpd_sasl_auth_enable", "no"));
    /** cyrus (Postfix's default; not available in Postroom), dovecot, or builtin (Postroom: users in lookup tables). */
    public static final Param<String> SMTPD_SASL_TYPE = reg(Param.string("smtpd_sasl_type", "cyrus"));
    public static final Param<String> SMTPD_SASL_PATH = reg(Param.string("smtpd_sasl_path", "smtpd"));
    public static final Param<String> SMTPD_SASL_SERVICE = reg(Param.string("smtpd_sasl_service", "smtp"));
    public static final Param<List<String>> SMTPD_SASL_SECURITY_OPTIONS = reg(Param.list("smtpd_sasl_security_options", "noanonymous"));
    public static final Param<List<String>> SMTPD_SASL_TLS_SECURITY_OPTIONS = reg(Param.list("smtpd_sasl_tls_security_options", "$smtpd_sasl_security_options"));
    public static final Param<String> SMTPD_SASL_LOCAL_DOMAIN = reg(Param.string("smtpd_sasl_local_domain", ""));
    public static final Param<Boolean> BROKEN_SASL_AUTH_CLIENTS = reg(Param.bool("broken_sasl_auth_clients", "no"));
    public static final Param<Boolean> SMTPD_SASL_AUTHENTICATED_HEADER = reg(Param.bool("smtpd_sasl_authenticated_header", "no"));
    public static final Param<Integer> SMTPD_SASL_RESPONSE_LIMIT = reg(Param.integer("smtpd_sasl_response_limit", "12288"));
    /** Postroom (smtpd_sasl_type = builtin): tables of login name to "{SCHEME}hash" (postpasswd(1)). */
    public static final Param<List<String>> SMTPD_SASL_USER_MAPS = reg(Param.list("smtpd_sasl_user_maps", ""));
    /**
     * The mechanisms smtpd_sasl_type = builtin offers (Postroom; Dovecot's auth_mechanisms): PLAIN and LOGIN
     * work with every password scheme, SCRAM-SHA-256 only for users stored as {SCRAM-SHA-256}, so it is
     * offered only when listed here (a client that picks it for a crypt user would fail, and mutt does not
     * fall back).
     */
    public static final Param<List<String>> SMTPD_SASL_BUILTIN_MECHANISMS = reg(Param.list("smtpd_sasl_builtin_mechanisms", "PLAIN, LOGIN"));
    public static final Param<List<String>> SMTPD_SENDER_LOGIN_MAPS = reg(Param.list("smtpd_sender_login_maps", ""));
    public static final Param<Integer> SMTPD_HARD_ERROR_LIMIT = reg(Param.integer("smtpd_hard_error_limit", "${stress?{1}:{20}}"));
    public static final Param<Integer> SMTPD_SOFT_ERROR_LIMIT = reg(Param.integer("smtpd_soft_error_limit", "10"));
    public static final Param<Duration> SMTPD_ERROR_SLEEP_TIME = reg(Param.time("smtpd_error_sleep_time", "1s", 's'));
    public static final Param<Integer> SMTPD_RECIPIENT_LIMIT = reg(Param.integer("smtpd_recipient_limit", "1000"));
    public static final Param<Integer> SMTPD_RECIPIENT_OVERSHOOT_LIMIT = reg(Param.integer("smtpd_recipient_overshoot_limit", "1000"));
    public static final Param<Boolean> SMTPD_HELO_REQUIRED = reg(Param.bool("smtpd_helo_required", "no"));
    public static final Param<Boolean> SMTPD_DELAY_REJECT = reg(Param.bool("smtpd_delay_reject", "yes"));
    public static final Param<List<String>> SMTPD_CLIENT_RESTRICTIONS = reg(Param.list("smtpd_client_restrictions", ""));
    public static final Param<List<String>> SMTPD_HELO_RESTRICTIONS = reg(Param.list("smtpd_helo_restrictions", ""));
    public static final Param<List<String>> SMTPD_SENDER_RESTRICTIONS = reg(Param.list("smtpd_sender_restrictions", ""));
    public static final Param<List<String>> SMTPD_RELAY_RESTRICTIONS = reg(Param.list("smtpd_relay_restrictions", "${{$compatibility_level} <level {1} ? {} : {permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination}}"));
    public static final Param<List<String>> SMTPD_RECIPIENT_RESTRICTIONS = reg(Param.list("smtpd_recipient_restrictions", ""));
    public static final Param<String> SMTPD_FORBID_BARE_NEWLINE = reg(Param.string("smtpd_forbid_bare_newline", "normalize"));
    public static final Param<List<String>> SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS = reg(Param.list("smtpd_forbid_bare_newline_exclusions", "$mynetworks"));
    public static final Param<Integer> SMTPD_FORBID_BARE_NEWLINE_REJECT_CODE = reg(Param.integer("smtpd_forbid_bare_newline_reject_code", "550"));
    public static final Param<Integer> SMTPD_CLIENT_CONNECTION_COUNT_LIMIT = reg(Param.integer("smtpd_client_connection_count_limit", "50"));
    public static final Param<Integer> SMTPD_CLIENT_CONNECTION_RATE_LIMIT = reg(Param.integer("smtpd_client_connection_rate_limit", "0"));
    public static final Param<Integer> SMTPD_CLIENT_MESSAGE_RATE_LIMIT = reg(Param.integer("smtpd_client_message_rate_limit", "0"));
    public static final Param<Integer> SMTPD_CLIENT_RECIPIENT_RATE_LIMIT = reg(Param.integer("smtpd_client_recipient_rate_limit", "0"));
    public static final Param<Integer> SMTPD_CLIENT_AUTH_RATE_LIMIT = reg(Param.integer("smtpd_client_auth_rate_limit", "0"));
    public static final Param<List<String>> SMTPD_CLIENT_EVENT_LIMIT_EXCEPTIONS = reg(Param.list("smtpd_client_event_limit_exceptions",
            "${smtpd_client_connection_limit_exceptions:$mynetworks}"));
    public static final Param<Duration> ANVIL_RATE_TIME_UNIT = reg(Param.time("anvil_rate_time_unit", "60s", 's'));
    public static final Param<Boolean> SMTPD_FORBID_UNAUTH_PIPELINING = reg(Param.bool("smtpd_forbid_unauth_pipelining", "yes"));
    /** No "from" part, TLS or SASL comment and protocol in smtpd's Received: header (the submission entries set it). */
    public static final Param<Boolean> SMTPD_HIDE_CLIENT_SESSION = reg(Param.bool("smtpd_hide_client_session", "no"));
    public static final Param<Boolean> SMTPUTF8_ENABLE = reg(Param.bool("smtputf8_enable", "${{$compatibility_level} <level {1} ? {no} : {yes}}"));
    public static final Param<Boolean> DISABLE_VRFY_COMMAND = reg(Param.bool("disable_vrfy_command", "no"));
    public static final Param<Integer> RELAY_DOMAINS_REJECT_CODE = reg(Param.integer("relay_domains_reject_code", "554"));
    public static final Param<Integer> UNKNOWN_LOCAL_RECIPIENT_REJECT_CODE = reg(Param.integer("unknown_local_recipient_reject_code", "550"));
    public static final Param<Boolean> SOFT_BOUNCE = reg(Param.bool("soft_bounce", "no"));
    public static final Param<Long> MESSAGE_SIZE_LIMIT = reg(Param.size("message_size_limit", "10240000"));
    public static final Param<Integer> LINE_LENGTH_LIMIT = reg(Param.integer("line_length_limit", "2048"));
    public static final Param<Integer> HEADER_SIZE_LIMIT = reg(Param.integer("header_size_limit", "102400"));
    public static final Param<Long> QUEUE_MINFREE = reg(Param.size("queue_minfree", "0"));
    // smtp(8) and lmtp(8): every smtp_x has its lmtp_x twin (lmtp(8) reads those), as Postfix declares them
    public static final Param<String> SMTP_HELO_NAME = smtp(Param.string("smtp_helo_name", "$myhostname"));
    public static final Param<Duration> SMTP_CONNECT_TIMEOUT = smtp(Param.time("smtp_connect_timeout", "30s", 's'));
    public static final Param<Duration> SMTP_HELO_TIMEOUT = smtp(Param.time("smtp_helo_timeout", "300s", 's'));
    public static final Param<Duration> SMTP_MAIL_TIMEOUT = smtp(Param.time("smtp_mail_timeout", "300s", 's'));
    public static final Param<Duration> SMTP_RCPT_TIMEOUT = smtp(Param.time("smtp_rcpt_timeout", "300s", 's'));
    public static final Param<Duration> SMTP_DATA_INIT_TIMEOUT = smtp(Param.time("smtp_data_init_timeout", "120s", 's'));
    public static final Param<Duration> SMTP_DATA_XFER_TIMEOUT = smtp(Param.time("smtp_data_xfer_timeout", "180s", 's'));
    public static final Param<Duration> SMTP_DATA_DONE_TIMEOUT = smtp(Param.time("smtp_data_done_timeout", "600s", 's'));
    public static final Param<Duration> SMTP_QUIT_TIMEOUT = smtp(Param.time("smtp_quit_timeout", "300s", 's'));
    public static final Param<Duration> SMTP_RSET_TIMEOUT = smtp(Param.time("smtp_rset_timeout", "20s", 's'));
    public static final Param<Duration> SMTP_STARTTLS_TIMEOUT = smtp(Param.time("smtp_starttls_timeout", "300s", 's'));
    public static final Param<Integer> SMTP_MX_ADDRESS_LIMIT = smtp(Param.integer("smtp_mx_address_limit", "5"));
    public static final Param<Integer> SMTP_MX_SESSION_LIMIT = smtp(Param.integer("smtp_mx_session_limit", "2"));
    public static final Param<Integer> SMTP_LINE_LENGTH_LIMIT = smtp(Param.integer("smtp_line_length_limit", "998"));
    public static final Param<Boolean> SMTP_SKIP_5XX_GREETING = smtp(Param.bool("smtp_skip_5xx_greeting", "yes"));
    public static final Param<Boolean> SMTP_RANDOMIZE_ADDRESSES = smtp(Param.bool("smtp_randomize_addresses", "yes"));
    public static final Param<Boolean> SMTP_ALWAYS_SEND_EHLO = smtp(Param.bool("smtp_always_send_ehlo", "yes"));
    public static final Param<Boolean> SMTP_NEVER_SEND_EHLO = smtp(Param.bool("smtp_never_send_ehlo", "no"));
    public static final Param<List<String>> SMTP_DISCARD_EHLO_KEYWORDS = smtp(Param.list("smtp_discard_ehlo_keywords", ""));
    public static final Param<List<String>> SMTP_FALLBACK_RELAY = smtp(Param.list("smtp_fallback_relay", "$fallback_relay"));
    public static final Param<List<String>> FALLBACK_RELAY = reg(Param.list("fallback_relay", ""));
    public static final Param<List<String>> SMTP_HOST_LOOKUP = smtp(Param.list("smtp_host_lookup", "dns"));
    public static final Param<Boolean> DISABLE_DNS_LOOKUPS = reg(Param.bool("disable_dns_lookups", "no"));
    public static final Param<Boolean> DISABLE_MIME_OUTPUT_CONVERSION = reg(Param.bool("disable_mime_output_conversion", "no"));
    public static final Param<Integer> LMTP_TCP_PORT = reg(Param.integer("lmtp_tcp_port", "24"));
    // the connection cache (smtp_reuse.c, scache): kept inside each smtp(8) JVM
    public static final Param<Boolean> SMTP_CONNECTION_CACHE_ON_DEMAND = smtp(Param.bool("smtp_connection_cache_on_demand", "yes"));
    public static final Param<Duration> SMTP_CONNECTION_CACHE_TIME_LIMIT = smtp(Param.time("smtp_connection_cache_time_limit", "2s", 's'));
    public static final Param<Duration> SMTP_CONNECTION_REUSE_TIME_LIMIT = smtp(Param.time("smtp_connection_reuse_time_limit", "300s", 's'));
    public static final Param<Integer> SMTP_CONNECTION_REUSE_COUNT_LIMIT = smtp(Param.integer("smtp_connection_reuse_count_limit", "0"));
    public static final Param<List<String>> SMTP_CONNECTION_CACHE_DESTINATIONS = smtp(Param.list("smtp_connection_cache_destinations", ""));
    // STARTTLS client (smtp_tls_policy.c, tls_client.c)
    public static final Param<String> SMTP_TLS_SECURITY_LEVEL = smtp(Param.string("smtp_tls_security_level", ""));
    public static final Param<List<String>> SMTP_TLS_POLICY_MAPS = smtp(Param.list("smtp_tls_policy_maps", ""));
    public static final Param<String> SMTP_TLS_CAFILE = smtp(Param.string("smtp_tls_CAfile", ""));
    public static final Param<String> SMTP_TLS_CAPATH = smtp(Param.string("smtp_tls_CApath", ""));
    /** Postroom: TLS 1.2 and up by default (Postfix 3.7: >=TLSv1); the JDK disables TLS 1.0 and 1.1 anyway. */
    public static final Param<String> SMTP_TLS_PROTOCOLS = smtp(Param.string("smtp_tls_protocols", ">=TLSv1.2"));
    public static final Param<String> SMTP_TLS_MANDATORY_PROTOCOLS = smtp(Param.string("smtp_tls_mandatory_protocols", ">=TLSv1.2"));
    public static final Param<List<String>> SMTP_TLS_VERIFY_CERT_MATCH = smtp(Param.list("smtp_tls_verify_cert_match", "hostname"));
    public static final Param<List<String>> SMTP_TLS_SECURE_CERT_MATCH = smtp(Param.list("smtp_tls_secure_cert_match", "nexthop, dot-nexthop"));
    public static final Param<Integer> SMTP_TLS_LOGLEVEL = smtp(Param.integer("smtp_tls_loglevel", "0"));
    public static final Param<String> SMTP_TLS_SERVERNAME = smtp(Param.string("smtp_tls_servername", ""));
    public static final Param<Boolean> SMTP_TLS_WRAPPERMODE = smtp(Param.bool("smtp_tls_wrappermode", "no"));
    public static final Param<Boolean> SMTP_TLS_CONNECTION_REUSE = smtp(Param.bool("smtp_tls_connection_reuse", "no"));
    public static final Param<Boolean> SMTP_TLS_NOTE_STARTTLS_OFFER = smtp(Param.bool("smtp_tls_note_starttls_offer", "no"));
    // SASL client (smtp_sasl_glue.c)
    public static final Param<Boolean> SMTP_SASL_AUTH_ENABLE = smtp(Param.bool("smtp_sasl_auth_enable", "no"));
    public static final Param<List<String>> SMTP_SASL_PASSWORD_MAPS = smtp(Param.list("smtp_sasl_password_maps", ""));
    public static final Param<Boolean> SMTP_SENDER_DEPENDENT_AUTHENTICATION = smtp(Param.bool("smtp_sender_dependent_authentication", "no"));
    public static final Param<List<String>> SMTP_SASL_SECURITY_OPTIONS = smtp(Param.list("smtp_sasl_security_options", "noplaintext, noanonymous"));
    public static final Param<List<String>> SMTP_SASL_TLS_SECURITY_OPTIONS = smtp(Param.list("smtp_sasl_tls_security_options", "$smtp_sasl_security_options"));
    public static final Param<List<String>> SMTP_SASL_MECHANISM_FILTER = smtp(Param.list("smtp_sasl_mechanism_filter", ""));
    public static final Param<Boolean> SMTP_SASL_AUTH_SOFT_BOUNCE = smtp(Param.bool("smtp_sasl_auth_soft_bounce", "yes"));
    /** Postroom: DNS servers for mail routing instead of /etc/resolv.conf's ("ip" or "[ip]:port"). */
    public static final Param<List<String>> DNS_SERVERS = reg(Param.list("dns_servers", ""));
    public static final Param<Integer> HEADER_ADDRESS_TOKEN_LIMIT = reg(Param.integer("header_address_token_limit", "10240"));
    public static final Param<Integer> HOPCOUNT_LIMIT = reg(Param.integer("hopcount_limit", "50"));
    public static final Param<Duration> IPC_TIMEOUT = reg(Param.time("ipc_timeout", "3600s", 's'));
    public static final Param<Duration> MAX_IDLE = reg(Param.time("max_idle", "100s", 's'));
    public static final Param<Integer> MAX_USE = reg(Param.integer("max_use", "100"));
    public static final Param<Integer> DEFAULT_PROCESS_LIMIT = reg(Param.integer("default_process_limit", "100"));
    public static final Param<Duration> SERVICE_THROTTLE_TIME = reg(Param.time("service_throttle_time", "60s", 's'));
    public static final Param<Duration> TRIGGER_TIMEOUT = reg(Param.time("trigger_timeout", "10s", 's'));
    public static final Param<Duration> DAEMON_TIMEOUT = reg(Param.time("daemon_timeout", "18000s", 's'));
    public static final Param<Boolean> ALWAYS_ADD_MISSING_HEADERS = reg(Param.bool("always_add_missing_headers", "no"));
    public static final Param<List<String>> LOCAL_HEADER_REWRITE_CLIENTS = reg(Param.list("local_header_rewrite_clients", "permit_inet_interfaces"));
    public static final Param<List<String>> MESSAGE_DROP_HEADERS = reg(Param.list("message_drop_headers", "bcc, content-length, resent-bcc, return-path"));
    public static final Param<Boolean> CLEANUP_REPLACE_STRAY_CR_LF = reg(Param.bool("cleanup_replace_stray_cr_lf", "yes"));
    public static final Param<Boolean> ENABLE_LONG_QUEUE_IDS = reg(Param.bool("enable_long_queue_ids", "no"));
    public static final Param<List<String>> HASH_QUEUE_NAMES = reg(Param.list("hash_queue_names", "deferred, defer"));
    public static final Param<Integer> HASH_QUEUE_DEPTH = reg(Param.integer("hash_queue_depth", "1"));
    public static final Param<Integer> QMGR_MESSAGE_ACTIVE_LIMIT = reg(Param.integer("qmgr_message_active_limit", "20000"));
    public static final Param<Integer> QMGR_MESSAGE_RECIPIENT_LIMIT = reg(Param.integer("qmgr_message_recipient_limit", "20000"));
    public static final Param<Duration> MINIMAL_BACKOFF_TIME = reg(Param.time("minimal_backoff_time", "300s", 's'));
    public static final Param<Duration> MAXIMAL_BACKOFF_TIME = reg(Param.time("maximal_backoff_time", "4000s", 's'));
    public static final Param<Duration> QUEUE_RUN_DELAY = reg(Param.time("queue_run_delay", "300s", 's'));
    public static final Param<Duration> MAXIMAL_QUEUE_LIFETIME = reg(Param.time("maximal_queue_lifetime", "5d", 'd'));
    public static final Param<Duration> BOUNCE_QUEUE_LIFETIME = reg(Param.time("bounce_queue_lifetime", "5d", 'd'));
    public static final Param<Duration> TRANSPORT_RETRY_TIME = reg(Param.time("transport_retry_time", "60s", 's'));
    public static final Param<Integer> DEFAULT_DESTINATION_CONCURRENCY_LIMIT = reg(Param.integer("default_destination_concurrency_limit", "20"));
    public static final Param<Integer> LOCAL_DESTINATION_CONCURRENCY_LIMIT = reg(Param.integer("local_destination_concurrency_limit", "2"));
    public static final Param<Integer> INITIAL_DESTINATION_CONCURRENCY = reg(Param.integer("initial_destination_concurrency", "5"));
    public static final Param<Integer> DEFAULT_DESTINATION_RECIPIENT_LIMIT = reg(Param.integer("default_destination_recipient_limit", "50"));
    public static final Param<Integer> LOCAL_DESTINATION_RECIPIENT_LIMIT = reg(Param.integer("local_destination_recipient_limit", "1"));
    // qmgr's per-destination scheduler (qmgr_queue.c); each has a TRANSPORT_ form that postconf registers per master.cf agent
    public static final Param<String> DEFAULT_DESTINATION_CONCURRENCY_POSITIVE_FEEDBACK = reg(Param.string(
            "default_destination_concurrency_positive_feedback", "1"));
    public static final Param<String> DEFAULT_DESTINATION_CONCURRENCY_NEGATIVE_FEEDBACK = reg(Param.string(
            "default_destination_concurrency_negative_feedback", "1"));
    public static final Param<Integer> DEFAULT_DESTINATION_CONCURRENCY_FAILED_COHORT_LIMIT = reg(Param.integer(
            "default_destination_concurrency_failed_cohort_limit", "1"));
    public static final Param<Duration> DEFAULT_DESTINATION_RATE_DELAY = reg(Param.time("default_destination_rate_delay", "0s", 's'));
    public static final Param<Integer> DELAY_LOGGING_RESOLUTION_LIMIT = reg(Param.integer("delay_logging_resolution_limit", "2"));
    public static final Param<String> HOME_MAILBOX = reg(Param.string("home_mailbox", ""));
    public static final Param<String> MAIL_SPOOL_DIRECTORY = reg(Param.string("mail_spool_directory", "/var/mail"));
    public static final Param<String> MAILBOX_COMMAND = reg(Param.string("mailbox_command", ""));
    public static final Param<Long> MAILBOX_SIZE_LIMIT = reg(Param.size("mailbox_size_limit", "51200000"));
    public static final Param<List<String>> MAILBOX_DELIVERY_LOCK = reg(Param.list("mailbox_delivery_lock", "fcntl, dotlock"));
    public static final Param<Integer> DELIVER_LOCK_ATTEMPTS = reg(Param.integer("deliver_lock_attempts", "20"));
    public static final Param<Duration> DELIVER_LOCK_DELAY = reg(Param.time("deliver_lock_delay", "1s", 's'));
    public static final Param<Duration> STALE_LOCK_TIME = reg(Param.time("stale_lock_time", "500s", 's'));
    public static final Param<List<String>> ALIAS_MAPS = reg(Param.list("alias_maps", "hash:/etc/aliases"));
    public static final Param<List<String>> ALIAS_DATABASE = reg(Param.list("alias_database", "hash:/etc/aliases"));
    public static final Param<List<String>> LOCAL_RECIPIENT_MAPS = reg(Param.list("local_recipient_maps", "proxy:unix:passwd.byname $alias_maps"));
    public static final Param<List<String>> PREPEND_DELIVERED_HEADER = reg(Param.list("prepend_delivered_header", "command, file, forward"));
    public static final Param<List<String>> ALLOW_MAIL_TO_COMMANDS = reg(Param.list("allow_mail_to_commands", "alias, forward"));
    public static final Param<List<String>> ALLOW_MAIL_TO_FILES = reg(Param.list("allow_mail_to_files", "alias, forward"));
    public static final Param<Duration> COMMAND_TIME_LIMIT = reg(Param.time("command_time_limit", "1000s", 's'));
    public static final Param<List<String>> FORWARD_PATH = reg(Param.list("forward_path", "$home/.forward${recipient_delimiter}${extension}, $home/.forward"));
    public static final Param<Boolean> BIFF = reg(Param.bool("biff", "yes"));

    // -- issue 3 (lookup tables, address mapping, virtual) parameters: add below this line --
    public static final Param<String> DEFAULT_DATABASE_TYPE = reg(Param.string("default_database_type", "hash"));
    // address mapping and virtual(8); also declared in their modules (trivial-rewrite, cleanup, smtpd, virtual)
    public static final Param<List<String>> TRANSPORT_MAPS = reg(Param.list("transport_maps", ""));
    public static final Param<List<String>> PARENT_DOMAIN_MATCHES_SUBDOMAINS = reg(Param.list("parent_domain_matches_subdomains",
            "debug_peer_list,fast_flush_domains,mynetworks,permit_mx_backup_networks,qmqpd_authorized_clients,relay_domains,smtpd_access_maps"));
    public static final Param<List<String>> CANONICAL_MAPS = reg(Param.list("canonical_maps", ""));
    public static final Param<List<String>> SENDER_CANONICAL_MAPS = reg(Param.list("sender_canonical_maps", ""));
    public static final Param<List<String>> RECIPIENT_CANONICAL_MAPS = reg(Param.list("recipient_canonical_maps", ""));
    public static final Param<List<String>> CANONICAL_CLASSES = reg(Param.list("canonical_classes",
            "envelope_sender, envelope_recipient, header_sender, header_recipient"));
    public static final Param<List<String>> SENDER_CANONICAL_CLASSES = reg(Param.list("sender_canonical_classes", "envelope_sender, header_sender"));
    public static final Param<List<String>> RECIPIENT_CANONICAL_CLASSES = reg(Param.list("recipient_canonical_classes",
            "envelope_recipient, header_recipient"));
    public static final Param<Integer> VIRTUAL_ALIAS_RECURSION_LIMIT = reg(Param.integer("virtual_alias_recursion_limit", "1000"));
    public static final Param<Integer> VIRTUAL_ALIAS_EXPANSION_LIMIT = reg(Param.integer("virtual_alias_expansion_limit", "1000"));
    public static final Param<Integer> VIRTUAL_ALIAS_ADDRESS_LENGTH_LIMIT = reg(Param.integer("virtual_alias_address_length_limit", "1000"));
    public static final Param<Integer> DUPLICATE_FILTER_LIMIT = reg(Param.integer("duplicate_filter_limit", "1000"));
    public static final Param<List<String>> RELAY_RECIPIENT_MAPS = reg(Param.list("relay_recipient_maps", ""));
    public static final Param<Boolean> SMTPD_REJECT_UNLISTED_RECIPIENT = reg(Param.bool("smtpd_reject_unlisted_recipient", "yes"));
    public static final Param<Integer> UNKNOWN_VIRTUAL_ALIAS_REJECT_CODE = reg(Param.integer("unknown_virtual_alias_reject_code", "550"));
    public static final Param<Integer> UNKNOWN_VIRTUAL_MAILBOX_REJECT_CODE = reg(Param.integer("unknown_virtual_mailbox_reject_code", "550"));
    public static final Param<Integer> UNKNOWN_RELAY_RECIPIENT_REJECT_CODE = reg(Param.integer("unknown_relay_recipient_reject_code", "550"));
    public static final Param<Boolean> SHOW_USER_UNKNOWN_TABLE_NAME = reg(Param.bool("show_user_unknown_table_name", "yes"));
    public static final Param<String> VIRTUAL_MAILBOX_BASE = reg(Param.string("virtual_mailbox_base", ""));
    public static final Param<List<String>> VIRTUAL_UID_MAPS = reg(Param.list("virtual_uid_maps", ""));
    public static final Param<List<String>> VIRTUAL_GID_MAPS = reg(Param.list("virtual_gid_maps", ""));
    public static final Param<Integer> VIRTUAL_MINIMUM_UID = reg(Param.integer("virtual_minimum_uid", "100"));
    public static final Param<Long> VIRTUAL_MAILBOX_LIMIT = reg(Param.size("virtual_mailbox_limit", "51200000"));
    public static final Param<List<String>> VIRTUAL_MAILBOX_LOCK = reg(Param.list("virtual_mailbox_lock", "fcntl, dotlock"));

    // -- issue 4 (admin tools) parameters: add below this line --
    public static final Param<List<String>> FAST_FLUSH_DOMAINS = reg(Param.list("fast_flush_domains", "$relay_domains"));
    public static final Param<List<String>> AUTHORIZED_MAILQ_USERS = reg(Param.list("authorized_mailq_users", "static:anyone"));
    public static final Param<List<String>> AUTHORIZED_FLUSH_USERS = reg(Param.list("authorized_flush_users", "static:anyone"));
    public static final Param<List<String>> AUTHORIZED_SUBMIT_USERS = reg(Param.list("authorized_submit_users", "static:anyone"));
    // declared in their modules (pickup, smtpd, local); listed here so that postconf knows them
    public static final Param<String> CONTENT_FILTER = reg(Param.string("content_filter", ""));
    public static final Param<Integer> REJECT_CODE = reg(Param.integer("reject_code", "554"));
    public static final Param<Integer> DEFER_CODE = reg(Param.integer("defer_code", "450"));
    public static final Param<Integer> NON_FQDN_REJECT_CODE = reg(Param.integer("non_fqdn_reject_code", "504"));
    public static final Param<Integer> INVALID_HOSTNAME_REJECT_CODE = reg(Param.integer("invalid_hostname_reject_code", "501"));
    public static final Param<List<String>> PROPAGATE_UNMATCHED_EXTENSIONS = reg(Param.list("propagate_unmatched_extensions", "canonical, virtual"));
    public static final Param<String> COMMAND_EXECUTION_DIRECTORY = reg(Param.string("command_execution_directory", ""));
    public static final Param<List<String>> EXPORT_ENVIRONMENT = reg(Param.list("export_environment", "TZ MAIL_CONFIG LANG"));
    public static final Param<String> COMMAND_EXPANSION_FILTER = reg(Param.string("command_expansion_filter",
            "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"));

    // -- issue 10 (bounce(8) notices) parameters: add below this line --
    public static final Param<Long> BOUNCE_SIZE_LIMIT = reg(Param.size("bounce_size_limit", "50000"));
    public static final Param<String> BOUNCE_TEMPLATE_FILE = reg(Param.string("bounce_template_file", ""));
    public static final Param<Duration> DELAY_WARNING_TIME = reg(Param.time("delay_warning_time", "0h", 'h'));
    public static final Param<List<String>> NOTIFY_CLASSES = reg(Param.list("notify_classes", "resource, software"));
    public static final Param<String> BOUNCE_NOTICE_RECIPIENT = reg(Param.string("bounce_notice_recipient", "postmaster"));
    public static final Param<String> TWOBOUNCE_NOTICE_RECIPIENT = reg(Param.string("2bounce_notice_recipient", "postmaster"));
    public static final Param<String> DELAY_NOTICE_RECIPIENT = reg(Param.string("delay_notice_recipient", "postmaster"));
    public static final Param<String> ERROR_NOTICE_RECIPIENT = reg(Param.string("error_notice_recipient", "postmaster"));
    /** smtpd keeps at most this many transcript lines for a notice before it flushes them (smtpd.c chat_reset). */
    public static final Param<Integer> SMTPD_HISTORY_FLUSH_THRESHOLD = reg(Param.integer("smtpd_history_flush_threshold", "100"));
    public static final Param<Boolean> ENABLE_THREADED_BOUNCES = reg(Param.bool("enable_threaded_bounces", "no"));
    /** standard: "Mail Delivery System <MAILER-DAEMON>"; obsolete: "MAILER-DAEMON (Mail Delivery System)" (hfrom_format.c). */
    public static final Param<String> HEADER_FROM_FORMAT = reg(new Param<>("header_from_format", "standard", v -> switch (v.strip()) {
        case "standard", "obsolete" -> v.strip();
        default -> throw new IllegalArgumentException("invalid header_from_format value: \"" + v + "\"");
    }));

    /** All declared parameters by name, in declaration order. */
    public static Map<String, Param<?>> all() {
        return Collections.unmodifiableMap(ALL);
    }

    /** The default value of a declared parameter (unexpanded), with host-computed defaults filled in. */
    public static String defaultOf(String name) {
        Param<?> p = ALL.get(name);
        if (p == null) return null;
        return HostDefaults.fill(p.defaultValue());
    }
}
