package org.postroom.smtpd;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;
import org.postroom.global.log.Msg;
import org.postroom.global.mail.ErrorNotice;
import org.postroom.global.mail.MailError;
import org.postroom.global.proto.cleanup.NoticePoster;
import org.postroom.global.proto.rewrite.RewriteClient;
import org.postroom.service.Connection;
import org.postroom.service.ConnectionService;
import org.postroom.service.ServiceContext;
import org.postroom.service.Stress;
import org.postroom.service.ServiceMain;
import org.postroom.service.ServiceSpec;

/**
 * NAME
 *     smtpd - Postroom SMTP server
 * SYNOPSIS
 *     smtpd [generic Postfix daemon options]
 * DESCRIPTION
 *     Accepts SMTP connections from master(8) and runs zero or more mail transactions per connection
 *     (RFC 5321, with PIPELINING, SIZE, VRFY, ETRN, ENHANCEDSTATUSCODES, 8BITMIME, DSN, SMTPUTF8 and
 *     CHUNKING). Each message is handed to cleanup(8) as one record stream and queued in incoming.
 *     The queue file is opened at the first accepted recipient; our Received: header comes first in
 *     the content. Relay control evaluates smtpd_client_restrictions, smtpd_helo_restrictions,
 *     smtpd_sender_restrictions, smtpd_relay_restrictions and smtpd_recipient_restrictions at RCPT
 *     time, and asks trivial-rewrite(8) whether a recipient is in one of our address classes.
 *     When the restrictions pass, unknown recipients are refused (smtpd_reject_unlisted_recipient):
 *     a recipient in recipient_canonical_maps, canonical_maps or virtual_alias_maps is accepted; one in
 *     a local domain must be in local_recipient_maps (postmaster, mailer-daemon and double-bounce
 *     always pass), one in a virtual mailbox domain in virtual_mailbox_maps, one in relay_domains in
 *     relay_recipient_maps; an unknown address in a virtual alias domain is refused, as is any address
 *     that transport_maps sends to "error:". The replies are Postfix's: "550 5.1.1 <addr>: Recipient
 *     address rejected: User unknown in local recipient table" (virtual mailbox table, virtual alias
 *     table, relay recipient table); a table that cannot be read gives "451 4.3.0 <addr>: Temporary
 *     lookup failure". reject_unlisted_recipient and check_recipient_maps run the same check inside a
 *     restriction list.
 *     Only CR LF . CR LF ends DATA (smtpd_forbid_bare_newline = normalize), and commands sent ahead
 *     of a reply where RFC 2920 forbids it end the session (smtpd_forbid_unauth_pipelining = yes).
 *     Postmaster notices (smtpd_chat.c): each refusal carries Postfix's error class (policy for access
 *     decisions and limits, protocol for bad commands, syntax and commands out of order, bounce for
 *     unknown recipients and oversized mail, resource for queue file and free space trouble, software
 *     for internal errors and configuration errors, data for failed table lookups). When notify_classes
 *     names one of the classes seen, error_notice_recipient (bounce_notice_recipient for the bounce class)
 *     gets "Postfix SMTP server: errors from HOST[ADDR]" from double_bounce_sender@$myhostname with the
 *     session's transcript ("In:  " and "Out: " lines, made printable and wrapped at 78 columns) and
 *     why it ended when it did not end with QUIT. The transcript is sent or dropped when the session ends,
 *     at HELO, EHLO and RSET and before a command once it has more than smtpd_history_flush_threshold
 *     lines; a queued message forgives the errors before it. A notice that cannot be posted at once is
 *     logged and dropped; the client's session is not held up.
 * SECURITY
 *     Moderately security sensitive: it talks to anyone on the network. It runs as mail_owner, reads
 *     every line with line_length_limit, sanitises everything it logs, and never trusts a byte
 *     count the client sends beyond the bytes that actually arrive.
 * DIAGNOSTICS
 *     "connect from", "ID: client=", "NOQUEUE: reject: RCPT from ...", "improper command pipelining
 *     after ...", "lost connection after ...", "timeout after ...", "too many errors after ..." and
 *     "disconnect from name[addr] ehlo=1 mail=1 ... commands=N" with per-command statistics;
 *     "warning: connect to public/cleanup: ..." and "warning: postmaster notify: ..." when a notice
 *     cannot be posted.
 * BUGS
 *     No STARTTLS, AUTH, XCLIENT, XFORWARD, milters, access tables (check_*_access), DNS-based
 *     restrictions, reject_unlisted_sender, address verification or fast-flush
 *     (ETRN always gets 459). Client host names are not looked up: a client is "localhost" on a
 *     loopback address and "unknown" otherwise. smtpd_delay_reject = no is not implemented.
 *     proxy: table prefixes are dropped (no proxymap(8)); unix:passwd.byname reads /etc/passwd only.
 *     A notice's transcript hides the client's SASL data (the initial response of AUTH and the answers
 *     to 334 challenges are "(hidden)"); Postfix records them as sent.
 * CONFIGURATION PARAMETERS
 *     myhostname, mail_name (Postfix), smtpd_banner ($myhostname ESMTP $mail_name),
 *     message_size_limit (10240000), line_length_limit (2048), smtpd_recipient_limit (1000),
 *     smtpd_recipient_overshoot_limit (1000), smtpd_soft_error_limit (10),
 *     smtpd_hard_error_limit (${stress?{1}:{20}}), smtpd_error_sleep_time (1s),
 *     smtpd_timeout (${stress?{10}:{300}}s), smtpd_helo_required (no), smtpd_delay_reject (yes),
 *     disable_vrfy_command (no), smtputf8_enable (yes), smtpd_forbid_unauth_pipelining (yes),
 *     smtpd_forbid_bare_newline (normalize), smtpd_forbid_bare_newline_exclusions ($mynetworks),
 *     smtpd_forbid_bare_newline_reject_code (550), mynetworks, smtpd_client_restrictions,
 *     smtpd_helo_restrictions, smtpd_sender_restrictions (empty), smtpd_relay_restrictions
 *     (permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination),
 *     smtpd_recipient_restrictions (empty), relay_domains_reject_code (554), reject_code (554),
 *     defer_code (450), non_fqdn_reject_code (504), invalid_hostname_reject_code (501),
 *     soft_bounce (no), local_header_rewrite_clients (permit_inet_interfaces), ipc_timeout (3600s),
 *     queue_directory, smtpd_reject_unlisted_recipient (yes), local_recipient_maps
 *     (proxy:unix:passwd.byname $alias_maps), virtual_mailbox_maps (empty), virtual_alias_maps
 *     ($virtual_maps), relay_recipient_maps (empty), recipient_canonical_maps, canonical_maps (empty),
 *     unknown_local_recipient_reject_code (550), unknown_virtual_alias_reject_code (550),
 *     unknown_virtual_mailbox_reject_code (550), unknown_relay_recipient_reject_code (550),
 *     show_user_unknown_table_name (yes), recipient_delimiter (empty), double_bounce_sender
 *     (double-bounce), smtpd_client_connection_count_limit (50), smtpd_client_connection_rate_limit
 *     (0), smtpd_client_message_rate_limit (0), smtpd_client_recipient_rate_limit (0), smtpd_client_auth_rate_limit (0),
 *     smtpd_client_event_limit_exceptions (${smtpd_client_connection_limit_exceptions:$mynetworks}),
 *     anvil_rate_time_unit (60s), queue_minfree (0: MAIL gets 452 4.3.1 while the queue file system has
 *     no more than queue_minfree bytes free or less than 1.5 times message_size_limit), notify_classes
 *     (resource, software), error_notice_recipient (postmaster), bounce_notice_recipient (postmaster),
 *     smtpd_history_flush_threshold (100), header_from_format (standard). The anvil counts are kept inside the smtpd service process (one
 *     process per master.cf service), per service and client address, as anvil(8) keys them.
 * SEE ALSO
 *     cleanup(8), trivial-rewrite(8), master(8), postconf(5), virtual(5), local(8)
 */
public final class Smtpd implements ConnectionService {
    static final ServiceSpec SPEC = new ServiceSpec("smtpd", List.<Param<?>>of(Params.MYHOSTNAME, Params.MAIL_NAME,
            Params.SMTPD_BANNER, Params.MESSAGE_SIZE_LIMIT, Params.LINE_LENGTH_LIMIT, Params.SMTPD_RECIPIENT_LIMIT,
            Params.SMTPD_RECIPIENT_OVERSHOOT_LIMIT, Params.SMTPD_SOFT_ERROR_LIMIT, Params.SMTPD_HARD_ERROR_LIMIT,
            Params.SMTPD_ERROR_SLEEP_TIME, Params.SMTPD_TIMEOUT, Params.SMTPD_HELO_REQUIRED, Params.SMTPD_DELAY_REJECT,
            Params.DISABLE_VRFY_COMMAND, Params.SMTPUTF8_ENABLE, Params.SMTPD_FORBID_UNAUTH_PIPELINING, Params.SMTPD_HIDE_CLIENT_SESSION,
            Params.SMTPD_FORBID_BARE_NEWLINE, Params.SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS,
            Params.SMTPD_FORBID_BARE_NEWLINE_REJECT_CODE, Params.MYNETWORKS, Params.SMTPD_CLIENT_RESTRICTIONS,
            Params.SMTPD_HELO_RESTRICTIONS, Params.SMTPD_SENDER_RESTRICTIONS, Params.SMTPD_RELAY_RESTRICTIONS,
            Params.SMTPD_RECIPIENT_RESTRICTIONS, Params.RELAY_DOMAINS_REJECT_CODE, Params.SOFT_BOUNCE, Params.LOCAL_HEADER_REWRITE_CLIENTS, Params.IPC_TIMEOUT, Params.QUEUE_DIRECTORY,
            Params.LOCAL_RECIPIENT_MAPS, Params.VIRTUAL_MAILBOX_MAPS, Params.VIRTUAL_ALIAS_MAPS,
            Params.UNKNOWN_LOCAL_RECIPIENT_REJECT_CODE, Params.RECIPIENT_DELIMITER, Params.DOUBLE_BOUNCE_SENDER,
            SmtpdParams.REJECT_UNLISTED_RECIPIENT, SmtpdParams.RELAY_RECIPIENT_MAPS, SmtpdParams.CANONICAL_MAPS,
            SmtpdParams.RECIPIENT_CANONICAL_MAPS, SmtpdParams.UNKNOWN_VIRTUAL_ALIAS_REJECT_CODE,
            SmtpdParams.UNKNOWN_VIRTUAL_MAILBOX_REJECT_CODE, SmtpdParams.UNKNOWN_RELAY_RECIPIENT_REJECT_CODE,
            SmtpdParams.SHOW_USER_UNKNOWN_TABLE_NAME, Params.SMTPD_CLIENT_CONNECTION_COUNT_LIMIT,
            Params.SMTPD_CLIENT_CONNECTION_RATE_LIMIT, Params.SMTPD_CLIENT_MESSAGE_RATE_LIMIT, Params.SMTPD_CLIENT_AUTH_RATE_LIMIT,
            Params.SMTPD_CLIENT_RECIPIENT_RATE_LIMIT, Params.SMTPD_CLIENT_EVENT_LIMIT_EXCEPTIONS, Params.ANVIL_RATE_TIME_UNIT,
            Params.QUEUE_MINFREE, Params.SMTPD_TLS_SECURITY_LEVEL, Params.SMTPD_USE_TLS, Params.SMTPD_ENFORCE_TLS,
            Params.SMTPD_TLS_CERT_FILE, Params.SMTPD_TLS_KEY_FILE, Params.SMTPD_TLS_ECCERT_FILE, Params.SMTPD_TLS_ECKEY_FILE,
            Params.SMTPD_TLS_CHAIN_FILES, Params.SMTPD_TLS_AUTH_ONLY, Params.SMTPD_TLS_WRAPPERMODE, Params.SMTPD_TLS_RECEIVED_HEADER,
            Params.SMTPD_TLS_LOGLEVEL, Params.SMTPD_TLS_PROTOCOLS, Params.SMTPD_TLS_MANDATORY_PROTOCOLS, Params.SMTPD_TLS_CIPHERS,
            Params.SMTPD_TLS_MANDATORY_CIPHERS, Params.SMTPD_TLS_ASK_CCERT, Params.SMTPD_TLS_SESSION_CACHE_TIMEOUT,
            Params.SMTPD_STARTTLS_TIMEOUT, Params.SMTPD_SASL_AUTH_ENABLE, Params.SMTPD_SASL_TYPE, Params.SMTPD_SASL_PATH,
            Params.SMTPD_SASL_SERVICE, Params.SMTPD_SASL_SECURITY_OPTIONS, Params.SMTPD_SASL_TLS_SECURITY_OPTIONS,
            Params.SMTPD_SASL_LOCAL_DOMAIN, Params.BROKEN_SASL_AUTH_CLIENTS, Params.SMTPD_SASL_AUTHENTICATED_HEADER,
            Params.SMTPD_SASL_RESPONSE_LIMIT, Params.SMTPD_SASL_USER_MAPS, Params.SMTPD_SASL_BUILTIN_MECHANISMS, Params.SMTPD_SENDER_LOGIN_MAPS,
            Params.NOTIFY_CLASSES, Params.ERROR_NOTICE_RECIPIENT, Params.BOUNCE_NOTICE_RECIPIENT, Params.SMTPD_HISTORY_FLUSH_THRESHOLD,
            Params.HEADER_FROM_FORMAT),
            Set.of());

    public static void main(String[] args) {
        ServiceMain.run(args, SPEC, ctx -> new Smtpd(ctx));
    }

    private final SmtpdConfig cfg;
    /** The same settings with stress=yes, for sessions that start while the service is under stress. */
    private final SmtpdConfig stressed;
    private final Stress stress;
    private final RelayPolicy relay;
    private final QueueSink sink;
    private final List<String> localHeaderClients;
    private final Anvil anvil;
    private final SmtpdTls tls;
    private final SmtpdSasl sasl;
    private final ChatNotifier notifier;

    Smtpd(ServiceContext ctx) {
        MainCf mainCf = ctx.config();
        this.cfg = SmtpdConfig.from(mainCf);
        this.stressed = SmtpdConfig.from(mainCf.withOverrides(Map.of("stress", "yes")));
        this.stress = ctx.stress();
        this.localHeaderClients = supported(mainCf.get(Params.LOCAL_HEADER_REWRITE_CLIENTS));
        if (!mainCf.get(Params.SMTPD_DELAY_REJECT)) {
            Msg.warn("smtpd_delay_reject = no is not implemented; client, helo and sender restrictions apply at RCPT time");
        }
        if (!cfg.restrictions().failSafe()) {
            Msg.warn("smtpd_relay_restrictions and smtpd_recipient_restrictions contain no reject, defer,"
                    + " reject_unauth_destination or defer_unauth_destination: all mail will be refused");
        }
        this.relay = new RewriteRelayPolicy(new RewriteClient(ctx.queueDirectory(), cfg.ipcTimeout()));
        this.sink = new CleanupQueueSink(ctx.queueDirectory(), cfg.ipcTimeout());
        this.anvil = new Anvil(ctx.serviceName(), cfg.limits().timeUnit());
        this.tls = SmtpdTls.from(mainCf, Msg::warn);
        this.sasl = SmtpdSasl.from(mainCf, ctx.queueDirectory());
        this.notifier = notifier(mainCf, NoticePoster.from(mainCf, ctx.queueDirectory())::post);
    }

    /** smtpd_chat_notify(): the notice to the bounce recipient for the bounce class, else to the error recipient. */
    static ChatNotifier notifier(MainCf cfg, java.util.function.BiConsumer<String, List<String>> post) {
        ErrorNotice text = ErrorNotice.from(cfg);
        String errorRcpt = cfg.get(Params.ERROR_NOTICE_RECIPIENT);
        String bounceRcpt = cfg.get(Params.BOUNCE_NOTICE_RECIPIENT);
        return (mask, namaddr, transcript, reason) -> post.accept((mask & MailError.BOUNCE) != 0 ? bounceRcpt : errorRcpt,
                text.server(namaddr, transcript, reason));
    }

    @Override
    public void serve(Connection c) {
        ClientInfo client = c.peer().map(p -> ClientInfo.of(p, localHeaderClient(p.getAddress()))).orElse(ClientInfo.unknown());
        SmtpdConfig cfg = stress.active() ? stressed : this.cfg;
        SmtpSession session = new SmtpSession(cfg, client, relay, sink, SessionLog.MAILLOG, Clock.systemDefaultZone(), anvil);
        session.useTls(tls);
        session.useNotifier(notifier);
        if (sasl.enabled()) session.useSasl(sasl, sasl.open(c.local().map(a -> a.getAddress().getHostAddress()).orElse("127.0.0.1")));
        try (ChannelWire wire = new ChannelWire(c.ipc())) {
            new Chat(session, wire, cfg).run();
        }
    }

    /** local_header_rewrite_clients: permit_inet_interfaces, permit_mynetworks and static:all are understood. */
    private static List<String> supported(List<String> elements) {
        Set<String> known = Set.of("permit_inet_interfaces", "permit_mynetworks", "static:all");
        for (String e : elements) {
            if (!known.contains(e)) Msg.warn("local_header_rewrite_clients: unsupported element " + e + " is ignored");
        }
        return elements.stream().filter(known::contains).toList();
    }

    private boolean localHeaderClient(InetAddress a) {
        for (String r : localHeaderClients) {
            boolean match = switch (r) {
                case "permit_inet_interfaces" -> isOurAddress(a);
                case "permit_mynetworks" -> cfg.mynetworks().matches(a, a.isLoopbackAddress() ? "localhost" : ClientInfo.UNKNOWN);
                default -> true;
            };
            if (match) return true;
        }
        return false;
    }

    private static boolean isOurAddress(InetAddress a) {
        if (a.isLoopbackAddress()) return true;
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
