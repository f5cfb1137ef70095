package org.postroom.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.log.DeliveryLog;
import org.postroom.global.log.Msg;
import org.postroom.global.mailbox.Message;
import org.postroom.global.mailbox.Verdict;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryStatus;
import org.postroom.global.queue.MailQueue;
import org.postroom.service.Connection;
import org.postroom.service.ConnectionService;
import org.postroom.service.ServiceContext;
import org.postroom.service.ServiceMain;
import org.postroom.service.ServiceSpec;

/**
 * NAME
 *     smtp - Postroom SMTP client
 * SYNOPSIS
 *     smtp [generic Postfix daemon options]
 * DESCRIPTION
 *     Delivers a batch of recipients of one message to one destination, as qmgr(8) hands it over on
 *     private/smtp (and private/relay). The next hop is a domain, whose MX hosts are looked up in DNS
 *     (dnsjava; /etc/resolv.conf, or dns_servers) with the domain's own A/AAAA records as the implicit
 *     MX, or a [host], whose addresses are used directly; ":port" picks another port. Addresses are
 *     tried in MX preference order, randomly among equals, up to smtp_mx_address_limit addresses and
 *     smtp_mx_session_limit sessions. In each session it sends EHLO (HELO when refused), MAIL FROM
 *     with SIZE when offered, RCPT TO per recipient and the content dot-stuffed with CRLF line ends.
 *     Each recipient is marked done in the queue file when it was delivered or bounced (5xx); a 4xx
 *     reply, a lost connection or a timeout (on reads and on writes: a server that stops reading is
 *     cut off after the phase's timeout) leaves it deferred. A null MX, NXDOMAIN after the address
 *     fallback and a mail loop bounce; DNS trouble defers.
 * DIAGNOSTICS
 *     One line per recipient: "ID: to=<rcpt>, relay=host[addr]:port, delay=..., delays=a/b/c/d,
 *     dsn=X.Y.Z, status=sent|deferred|bounced (reason)", as Postfix logs it.
 * BUGS
 *     Not built yet (issue 8): STARTTLS, SASL, PIPELINING, the connection cache, 8BITMIME downgrade,
 *     SMTPUTF8 and DSN parameters, lmtp(8), smtp_fallback_relay, per-destination concurrency in qmgr.
 * CONFIGURATION PARAMETERS
 *     smtp_helo_name ($myhostname), smtp_connect_timeout (30s), smtp_helo_timeout (300s),
 *     smtp_mail_timeout (300s), smtp_rcpt_timeout (300s), smtp_data_init_timeout (120s),
 *     smtp_data_xfer_timeout (180s), smtp_data_done_timeout (600s), smtp_quit_timeout (300s),
 *     smtp_mx_address_limit (5), smtp_mx_session_limit (2), smtp_line_length_limit (998),
 *     smtp_skip_5xx_greeting (yes), smtp_randomize_addresses (yes), inet_protocols (all),
 *     inet_interfaces (all: this host's addresses, for the mail loop check), dns_servers (Postroom:
 *     empty for /etc/resolv.conf, else ip or [ip]:port elements)
 * SEE ALSO
 *     qmgr(8), trivial-rewrite(8), postconf(5)
 */
public final class Smtp implements ConnectionService {
    static final ServiceSpec SPEC = new ServiceSpec("smtp", SmtpConfig.PARAMS, Set.of());

    public static void main(String[] args) {
        ServiceMain.run(args, SPEC, Smtp::new);
    }

    private final SmtpConfig cfg;
    private final MailQueue queue;
    private final SmtpAddr addr;
    private final Clock clock = Clock.systemDefaultZone();
    private final String transport;

    public Smtp(ServiceContext ctx) {
        MainCf mc = ctx.config();
        this.cfg = SmtpConfig.from(mc);
        this.queue = ctx.queue();
        this.transport = ctx.serviceName();
        Dns dns = Dns.of(cfg.dnsServers(), cfg.connectTimeout().compareTo(java.time.Duration.ofSeconds(10)) < 0
                ? cfg.connectTimeout() : java.time.Duration.ofSeconds(10));
        this.addr = new SmtpAddr(dns, new SmtpAddr.Settings(SmtpAddr.Settings.families(cfg.inetProtocols()),
                cfg.mxAddressLimit(), myAddresses(mc.get(Params.INET_INTERFACES)), cfg.randomize()),
                ThreadLocalRandom.current(), Msg::warn);
    }

    @Override
    public void serve(Connection client) throws IOException {
        DeliverRequest.serve(client.in(), client.out(), this::deliver);
    }

    List<DeliveryStatus> deliver(DeliverRequest req) {
        long handoff = clock.millis();
        java.nio.file.Path file = queue.path(req.queue(), req.queueId());
        Message msg = new Message(file, req.dataOffset(), cfg.maxRecord(), req.sender(), false);
        List<DeliverRequest.Recipient> rcpts = req.recipients();
        Verdict[] result = new Verdict[rcpts.size()];
        String[] relay = new String[rcpts.size()];
        long connected = handoff;
        Nexthop hop;
        SiteList sites;
        try {
            hop = Nexthop.parse(req.nexthop(), 25);
            sites = addr.resolve(hop);
        } catch (IllegalArgumentException e) {
            hop = null;
            sites = new SiteList.Failure("4.3.5", "bad nexthop \"" + req.nexthop() + "\": " + e.getMessage());
        }
        switch (sites) {
            case SiteList.Failure f -> {
                Verdict v = f.permanent() ? Verdict.bounce(f.dsn(), f.text()) : Verdict.defer(f.dsn(), f.text());
                for (int i = 0; i < result.length; i++) result[i] = v;
            }
            case SiteList.Addresses a -> {
                boolean[] open = new boolean[result.length];
                java.util.Arrays.fill(open, true);
                int sessions = 0;
                String lastError = null;
                for (MxAddress m : a.addresses()) {
                    if (cfg.mxSessionLimit() > 0 && sessions >= cfg.mxSessionLimit()) break;
                    List<Integer> batchIndex = new ArrayList<>();
                    for (int i = 0; i < result.length; i++) if (open[i]) batchIndex.add(i);
                    if (batchIndex.isEmpty()) break;
                    String where = m.namaddr() + ":" + hop.port();
                    try (Socket s = new Socket()) {
                        try {
                            s.connect(new InetSocketAddress(m.address(), hop.port()), (int) cfg.connectTimeout().toMillis());
                        } catch (SocketTimeoutException e) {
                            lastError = "connect to " + where + ": Connection timed out";
                            continue;
                        } catch (IOException e) {
                            lastError = "connect to " + where + ": " + connectError(e);
                            continue;
                        }
                        sessions++;
                        connected = clock.millis();
                        List<DeliverRequest.Recipient> batch = new ArrayList<>();
                        for (int i : batchIndex) batch.add(rcpts.get(i));
                        DeliverRequest sub = new DeliverRequest(req.queue(), req.queueId(), req.dataOffset(), req.size(),
                                req.nexthop(), req.encoding(), req.sender(), req.arrivalTime(), req.activeTime(),
                                req.clientName(), req.clientAddress(), batch);
                        SmtpProto.Result r = new SmtpProto(cfg, s, m).deliver(sub, msg);
                        for (int k = 0; k < batchIndex.size(); k++) {
                            int i = batchIndex.get(k);
                            result[i] = r.verdicts().get(k);
                            relay[i] = where;
                            open[i] = r.nextHost() && result[i].outcome() == DeliveryStatus.Outcome.DEFERRED;
                        }
                        if (r.sessionError() != null) lastError = r.sessionError();
                    } catch (IOException e) {
                        lastError = "connect to " + where + ": " + e.getMessage();
                    }
                }
                for (int i = 0; i < result.length; i++) {
                    if (result[i] == null) result[i] = Verdict.defer("4.4.1", lastError == null ? "no route to destination" : lastError);
                }
            }
        }
        List<DeliveryStatus> out = new ArrayList<>();
        for (int i = 0; i < result.length; i++) {
            DeliverRequest.Recipient rc = rcpts.get(i);
            Verdict v = result[i].completed(file, req, rc);
            Msg.info(DeliveryLog.line(req.queueId().value(), rc.address(), rc.originalRecipient(),
                    relay[i] == null ? "none" : relay[i], req.arrivalTime(), req.activeTime(), handoff,
                    relay[i] == null ? clock.millis() : connected, clock.millis(), v.dsn(), v.statusWord(), v.text()));
            out.add(new DeliveryStatus(rc.offset(), v.outcome(), v.dsn(), v.text()));
        }
        return out;
    }

    private static String connectError(IOException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        if (m.startsWith("Connection refused")) return "Connection refused";
        if (m.contains("No route to host")) return "No route to host";
        if (m.contains("Network is unreachable")) return "Network is unreachable";
        return m;
    }

    /** This host's addresses for the loop check: inet_interfaces, or every interface address for "all". */
    static Set<InetAddress> myAddresses(List<String> interfaces) {
        Set<InetAddress> out = new HashSet<>();
        for (String i : interfaces) {
            if (i.equalsIgnoreCase("all")) {
                try {
                    for (NetworkInterface n : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
                        out.addAll(java.util.Collections.list(n.getInetAddresses()));
                    }
                } catch (SocketException e) {
                    Msg.warn("cannot list network interfaces: " + e.getMessage());
                }
            } else if (i.equalsIgnoreCase("loopback-only")) {
                out.add(InetAddress.getLoopbackAddress());
            } else {
                try {
                    out.addAll(List.of(InetAddress.getAllByName(i.replaceAll("^\\[|\\]$", ""))));
                } catch (IOException e) {
                    Msg.warn("inet_interfaces: " + i + ": " + e.getMessage());
                }
            }
        }
        return out;
    }
}
