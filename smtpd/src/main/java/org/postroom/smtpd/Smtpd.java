package org.postroom.smtpd;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.rewrite.RewriteClient;
import org.postroom.service.Connection;
import org.postroom.service.ConnectionService;
import org.postroom.service.ServiceContext;
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
 *     Only CR LF . CR LF ends DATA (smtpd_forbid_bare_newline = normalize), and commands sent ahead
 *     of a reply where RFC 2920 forbids it end the session (smtpd_forbid_unauth_pipelining = yes).
 * SECURITY
 *     Moderately security sensitive: it talks to anyone on the network. It runs as mail_owner, reads
 *     every line with line_length_limit, sanitises everything it logs, and never trusts a byte
 *     count the client sends beyond the bytes that actually arrive.
 * DIAGNOSTICS
 *     "connect from", "ID: client=", "NOQUEUE: reject: RCPT from ...", "improper command pipelining
 *     after ...", "lost connection after ...", "timeout after ...", "too many errors after ..." and
 *     "disconnect from name[addr] ehlo=1 mail=1 ... commands=N" with per-command statistics.
 * BUGS
 *     No STARTTLS, AUTH, XCLIENT, XFORWARD, milters, access tables (check_*_access), DNS-based
 *     restrictions, local recipient validation (smtpd_reject_unlisted_recipient) or fast-flush
 *     (ETRN always gets 459). Client host names are not looked up: a client is "localhost" on a
 *     loopback address and "unknown" otherwise. smtpd_delay_reject = no is not implemented.
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
 *     queue_directory
 * SEE ALSO
 *     cleanup(8), trivial-rewrite(8), master(8), postconf(5)
 */
public final class Smtpd implements ConnectionService {
    static final ServiceSpec SPEC = new ServiceSpec("smtpd", List.<Param<?>>of(Params.MYHOSTNAME, Params.MAIL_NAME,
            Params.SMTPD_BANNER, Params.MESSAGE_SIZE_LIMIT, Params.LINE_LENGTH_LIMIT, Params.SMTPD_RECIPIENT_LIMIT,
            Params.SMTPD_RECIPIENT_OVERSHOOT_LIMIT, Params.SMTPD_SOFT_ERROR_LIMIT, Params.SMTPD_HARD_ERROR_LIMIT,
            Params.SMTPD_ERROR_SLEEP_TIME, Params.SMTPD_TIMEOUT, Params.SMTPD_HELO_REQUIRED, Params.SMTPD_DELAY_REJECT,
            Params.DISABLE_VRFY_COMMAND, Params.SMTPUTF8_ENABLE, Params.SMTPD_FORBID_UNAUTH_PIPELINING,
            Params.SMTPD_FORBID_BARE_NEWLINE, Params.SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS,
            Params.SMTPD_FORBID_BARE_NEWLINE_REJECT_CODE, Params.MYNETWORKS, Params.SMTPD_CLIENT_RESTRICTIONS,
            Params.SMTPD_HELO_RESTRICTIONS, Params.SMTPD_SENDER_RESTRICTIONS, Params.SMTPD_RELAY_RESTRICTIONS,
            Params.SMTPD_RECIPIENT_RESTRICTIONS, Params.RELAY_DOMAINS_REJECT_CODE, Params.SOFT_BOUNCE, Params.LOCAL_HEADER_REWRITE_CLIENTS, Params.IPC_TIMEOUT, Params.QUEUE_DIRECTORY),
            Set.of());

    public static void main(String[] args) {
        ServiceMain.run(args, SPEC, ctx -> new Smtpd(ctx));
    }

    private final SmtpdConfig cfg;
    private final RelayPolicy relay;
    private final QueueSink sink;
    private final List<String> localHeaderClients;

    Smtpd(ServiceContext ctx) {
        MainCf mainCf = ctx.config();
        this.cfg = SmtpdConfig.from(mainCf);
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
    }

    @Override
    public void serve(Connection c) {
        ClientInfo client = c.peer().map(p -> ClientInfo.of(p, localHeaderClient(p.getAddress()))).orElse(ClientInfo.unknown());
        SmtpSession session = new SmtpSession(cfg, client, relay, sink, SessionLog.MAILLOG, Clock.systemDefaultZone());
        new Chat(session, new ChannelWire(c.ipc()), cfg).run();
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
