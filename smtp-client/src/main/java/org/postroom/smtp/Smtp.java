package org.postroom.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.log.DeliveryLog;
import org.postroom.global.log.Msg;
import org.postroom.global.mail.ErrorNotice;
import org.postroom.global.mail.MailError;
import org.postroom.global.mailbox.Completion;
import org.postroom.global.mailbox.Message;
import org.postroom.global.mailbox.Verdict;
import org.postroom.global.proto.bounce.BounceClient;
import org.postroom.global.proto.cleanup.NoticePoster;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryReply;
import org.postroom.global.proto.deliver.DeliveryStatus;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.table.TableException;
import org.postroom.service.Connection;
import org.postroom.service.ConnectionService;
import org.postroom.service.ServiceContext;
import org.postroom.service.ServiceMain;
import org.postroom.service.ServiceSpec;
import org.postroom.util.Printable;

/**
 * NAME
 *     smtp - Postroom SMTP client
 * SYNOPSIS
 *     smtp [generic Postfix daemon options]
 * DESCRIPTION
 *     Delivers a batch of recipients of one message to one destination, as qmgr(8) hands it over on
 *     private/smtp (and private/relay). The next hop is a domain, whose MX hosts are looked up in DNS
 *     (dnsjava; /etc/resolv.conf, or dns_servers) with the domain's own A/AAAA records as the implicit
 *     MX, or a [host], whose addresses are used directly; ":port" picks another port. With
 *     disable_dns_lookups or smtp_host_lookup = native there is no MX lookup and host names go to the
 *     system resolver. Addresses are tried in MX preference order, randomly among equals, up to
 *     smtp_mx_address_limit addresses and smtp_mx_session_limit sessions, then the
 *     smtp_fallback_relay hosts. A soft failure (4xx, a lost connection, a timeout) at one server
 *     sends the recipients it concerns on to the next one; at the last one they are deferred with the
 *     last error seen. A 5xx reply bounces the recipients it concerns. A null MX, NXDOMAIN after the
 *     address fallback and a mail loop bounce; DNS trouble defers.
 *
 *     In each session it sends EHLO (HELO when refused), STARTTLS as smtp_tls_security_level or
 *     smtp_tls_policy_maps say (none, may, encrypt, verify, secure), AUTH with credentials from
 *     smtp_sasl_password_maps (CRAM-MD5, PLAIN, LOGIN, within smtp_sasl_security_options), MAIL FROM
 *     with SIZE and BODY, RCPT TO with ORCPT when the server offers DSN, and the content dot-stuffed
 *     with CRLF line ends; MAIL, RCPT and DATA go in one write when the server offers PIPELINING.
 *     8-bit MIME parts are converted to quoted-printable for a server without 8BITMIME.
 *
 *     Connection cache: sessions are kept open between deliveries inside this process (no scache(8)
 *     daemon: every delivery of the transport runs in this one JVM), on demand when deliveries to a
 *     destination come back to back or overlap, and always for smtp_connection_cache_destinations.
 *     A cached session is probed with RSET before it is used again; TLS sessions are cached only with
 *     smtp_tls_connection_reuse = yes.
 *
 *     Postmaster notices (smtp_chat.c): a server that sends a reply that is not "ddd" and text, or a
 *     failure reply other than 4xx/5xx, 500-509 or 555 (smtp_check_code()), makes a protocol error.
 *     With protocol in notify_classes, error_notice_recipient then gets "Postfix SMTP client: errors from
 *     host[addr]:port" ("LMTP client" for lmtp(8)) with the session's transcript, when the session is
 *     done with the delivery request; never for mail from the null sender or double_bounce_sender.
 * DIAGNOSTICS
 *     One line per recipient: "ID: to=<rcpt>, relay=host[addr]:port, conn_use=N, delay=...,
 *     delays=a/b/c/d, dsn=X.Y.Z, status=sent|deferred|bounced (reason)", as Postfix logs it; with
 *     smtp_tls_loglevel >= 1, "Trusted TLS connection established to host[addr]:port: TLSv1.3 with
 *     cipher ..." per handshake.
 *     When no session with any address got past the recipients, or DNS failed temporarily, the reply
 *     to qmgr(8) carries a hop status: the destination is at fault, and qmgr(8) throttles it.
 *     To a server that offers DSN it passes on the client's ENVID, RET, NOTIFY and ORCPT (ORCPT made
 *     from the original recipient when the client gave none); SMTPUTF8 when the sender asked for it
 *     and the server offers it. A message that needs SMTPUTF8 (asked for, and a UTF-8 sender,
 *     recipient or header) is not sent to a server without it: "message requires SMTPUTF8, but no
 *     server was found that supports SMTPUTF8", a bounce (5.6.7) at the last server.
 *     Success reports: a NOTIFY=SUCCESS recipient accepted by a server without DSN is reported to the
 *     sender as "relayed" (a server with DSN reports it itself); with sendmail -v every result is.
 *     An address probe (sendmail -bv) ends the transaction after RCPT TO with RSET (then QUIT unless
 *     the session is cached) instead of DATA, as any transaction that ends before DATA does: a recipient the server accepts is "deliverable" with its RCPT reply,
 *     one it refuses "undeliverable"; nothing is sent.
 * BUGS
 *     Not built yet: DANE (dane is treated as may, dane-only as encrypt), fingerprint, client
 *     certificates, smtp_generic_maps, smtp_header_checks, XFORWARD. A notice's transcript shows our
 *     SASL data (the AUTH initial response, the answers to 334 challenges) as "(hidden)"; Postfix
 *     records it as sent.
 * CONFIGURATION PARAMETERS
 *     smtp_helo_name ($myhostname), smtp_connect_timeout (30s), smtp_helo_timeout (300s),
 *     smtp_starttls_timeout (300s), smtp_mail_timeout (300s), smtp_rcpt_timeout (300s),
 *     smtp_data_init_timeout (120s), smtp_data_xfer_timeout (180s), smtp_data_done_timeout (600s),
 *     smtp_rset_timeout (20s), smtp_quit_timeout (300s), smtp_mx_address_limit (5),
 *     smtp_mx_session_limit (2), smtp_line_length_limit (998), smtp_skip_5xx_greeting (yes),
 *     smtp_always_send_ehlo (yes), smtp_never_send_ehlo (no), smtp_discard_ehlo_keywords,
 *     smtp_randomize_addresses (yes), smtp_fallback_relay ($fallback_relay), smtp_host_lookup (dns),
 *     disable_dns_lookups (no), disable_mime_output_conversion (no), soft_bounce (no),
 *     smtp_connection_cache_on_demand (yes), smtp_connection_cache_time_limit (2s),
 *     smtp_connection_reuse_time_limit (300s), smtp_connection_reuse_count_limit (0),
 *     smtp_connection_cache_destinations, smtp_tls_security_level, smtp_tls_policy_maps,
 *     smtp_tls_CAfile, smtp_tls_CApath, smtp_tls_protocols (>=TLSv1.2), smtp_tls_mandatory_protocols
 *     (>=TLSv1.2), smtp_tls_verify_cert_match (hostname), smtp_tls_secure_cert_match (nexthop,
 *     dot-nexthop), smtp_tls_loglevel (0), smtp_tls_servername, smtp_tls_wrappermode (no),
 *     smtp_tls_connection_reuse (no), smtp_sasl_auth_enable (no), smtp_sasl_password_maps,
 *     smtp_sender_dependent_authentication (no), smtp_sasl_security_options (noplaintext,
 *     noanonymous), smtp_sasl_tls_security_options, smtp_sasl_mechanism_filter,
 *     smtp_sasl_auth_soft_bounce (yes), inet_protocols (all), inet_interfaces (for the mail loop
 *     check), dns_servers (Postroom: empty for /etc/resolv.conf, else ip or [ip]:port elements),
 *     notify_classes (resource, software), error_notice_recipient (postmaster), header_from_format
 *     (standard), double_bounce_sender (double-bounce)
 * SEE ALSO
 *     lmtp(8), qmgr(8), trivial-rewrite(8), postconf(5)
 */
public final class Smtp implements ConnectionService {
    static final ServiceSpec SPEC = new ServiceSpec("smtp", SmtpConfig.PARAMS, Set.of());

    public static void main(String[] args) {
        ServiceMain.run(args, SPEC, Smtp::new);
    }

    /** Deliveries to one next hop under way, and when the last one ended (for on-demand caching). */
    private static final class Activity {
        final AtomicInteger inFlight = new AtomicInteger();
        volatile long lastDoneNanos = Long.MIN_VALUE / 2;
    }

    private final SmtpConfig cfg;
    private final MailQueue queue;
    private final SmtpAddr addr;
    private final SmtpTls tls;
    private final SmtpSasl sasl;
    private final SessionCache cache;
    private final Clock clock = Clock.systemDefaultZone();
    private final String transport;
    private final String relayhost;
    private final Map<String, Activity> activity = new ConcurrentHashMap<>();
    /** smtp_chat_notify(): notify_classes, the notice text and where it goes; see {@link #sessionDone}. */
    private final int notifyMask;
    private final ErrorNotice notice;
    private final String doubleBounce;
    private final java.util.function.BiConsumer<String, List<String>> post;

    public Smtp(ServiceContext ctx) {
        this(ctx, false);
    }

    Smtp(ServiceContext ctx, boolean lmtp) {
        MainCf mc = ctx.config();
        this.cfg = SmtpConfig.from(mc, lmtp);
        this.queue = ctx.queue();
        this.transport = ctx.serviceName();
        this.relayhost = mc.get(Params.RELAYHOST).strip();
        Duration dnsTimeout = cfg.connectTimeout().isZero() || cfg.connectTimeout().compareTo(Duration.ofSeconds(10)) > 0
                ? Duration.ofSeconds(10) : cfg.connectTimeout();
        Dns dns = Dns.of(cfg.dnsServers(), dnsTimeout);
        this.addr = new SmtpAddr(dns, new SmtpAddr.Settings(SmtpAddr.Settings.families(cfg.inetProtocols()),
                cfg.mxAddressLimit(), myAddresses(mc.get(Params.INET_INTERFACES)), cfg.randomize()),
                ThreadLocalRandom.current(), Msg::warn);
        this.tls = new SmtpTls(cfg.tls(), Msg::warn);
        this.sasl = new SmtpSasl(cfg.sasl());
        this.cache = new SessionCache(cfg.cache());
        try {
            this.notifyMask = MailError.mask(mc.get(Params.NOTIFY_CLASSES));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(mc.where(Params.NOTIFY_CLASSES.name()) + ": " + e.getMessage());
        }
        this.notice = ErrorNotice.from(mc);
        this.doubleBounce = mc.get(Params.DOUBLE_BOUNCE_SENDER) + "@" + mc.get(Params.MYHOSTNAME);
        NoticePoster poster = NoticePoster.from(mc, ctx.queueDirectory());
        this.post = poster::post;
    }

    /**
     * The session is done with this delivery request (smtp_cleanup_session()): when it saw errors of a
     * class in notify_classes, the postmaster gets its transcript, except for mail from the null sender or
     * the double-bounce address (no notices about notices). Then the transcript starts again: a cached
     * session carries no history into the next request.
     */
    private void sessionDone(Attempt at, SmtpSession s) {
        sessionDone(s, at.req.sender(), notifyMask, doubleBounce, cfg.lmtp(), notice, post);
    }

    static void sessionDone(SmtpSession s, String sender, int notifyMask, String doubleBounce, boolean lmtp, ErrorNotice notice,
                            java.util.function.BiConsumer<String, List<String>> post) {
        if (!s.transcript().isEmpty() && (s.errorMask() & notifyMask) != 0 && !sender.isEmpty() && !sender.equalsIgnoreCase(doubleBounce)) {
            post.accept(notice.errorRecipient(), notice.client(lmtp ? "LMTP" : "SMTP", s.endpoint.relay(), s.transcript().lines()));
        }
        s.resetTranscript();
    }

    @Override
    public void serve(Connection client) throws IOException {
        DeliverRequest.serve(client.in(), client.out(), this::deliver);
    }

    /** The per-request state of smtp_connect.c's loop over next hops and addresses. */
    private final class Attempt {
        final DeliverRequest req;
        final Message msg;
        final List<DeliverRequest.Recipient> rcpts;
        final Verdict[] result;
        final String[] relay;
        final int[] connUse;
        final long[] connected;
        /** Whether the server that took the recipient announced DSN: it sends the success reports then. */
        final boolean[] dsn;
        final String destLabel;
        Verdict lastError;
        boolean lastThrottle;
        boolean completedSession;
        boolean firstGood = true;
        int sessions;

        Attempt(DeliverRequest req, Message msg) {
            this.req = req;
            this.msg = msg;
            this.rcpts = req.recipients();
            this.result = new Verdict[rcpts.size()];
            this.relay = new String[rcpts.size()];
            this.connUse = new int[rcpts.size()];
            this.connected = new long[rcpts.size()];
            this.dsn = new boolean[rcpts.size()];
            this.destLabel = transport + ":" + req.nexthop();
        }

        List<Integer> open() {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < result.length; i++) if (result[i] == null) out.add(i);
            return out;
        }
    }

    DeliveryReply deliver(DeliverRequest req) {
        long handoff = clock.millis();
        java.nio.file.Path file = queue.path(req.queue(), req.queueId());
        Message msg = new Message(file, req.dataOffset(), cfg.maxRecord(), req.sender(), false);
        Completion completion = new Completion(queue.root(), file, req);
        Attempt at = new Attempt(req, msg);
        Arrays.fill(at.connected, -1);
        Activity act = activity.computeIfAbsent(at.destLabel, k -> new Activity());
        act.inFlight.incrementAndGet();
        try {
            route(at);
        } finally {
            act.inFlight.decrementAndGet();
            act.lastDoneNanos = System.nanoTime();
        }
        List<DeliveryStatus> out = new ArrayList<>();
        for (int i = 0; i < at.result.length; i++) {
            DeliverRequest.Recipient rc = at.rcpts.get(i);
            Verdict v = at.result[i];
            if (v == null) v = at.lastError != null ? at.lastError : Verdict.defer("4.3.0", "server unavailable or unable to receive mail");
            if (cfg.softBounce() && v.outcome() == DeliveryStatus.Outcome.BOUNCED) v = v.soft();
            // smtp_rcpt_done(): a server that announced DSN reports success itself; else the sender hears "relayed"
            DeliverRequest.Recipient traced = at.dsn[i] ? new DeliverRequest.Recipient(rc.offset(), rc.originalRecipient(), rc.address(),
                    rc.dsnOrcpt(), rc.dsnNotify() & ~BounceClient.NOTIFY_SUCCESS) : rc;
            v = completion.complete(traced, v, at.relay[i] == null ? "none" : at.relay[i], "relayed");
            long now = clock.millis();
            long conn = at.connected[i] < 0 ? now : at.connected[i];
            Msg.info(DeliveryLog.line(req.queueId().value(), rc.address(), rc.originalRecipient(),
                    at.relay[i] == null ? "none" : at.relay[i], at.connUse[i], req.arrivalTime(), req.activeTime(), handoff,
                    conn, now, v.dsn(), v.statusWord(), v.text()));
            out.add(v.status(rc.offset()));
        }
        // smtp_site_fail/smtp_sess_fail at the last server, with no session completed: the destination,
        // not the recipients, is at fault; qmgr(8) takes it as negative feedback and may throttle it
        if (!at.completedSession && at.lastThrottle && at.lastError != null && at.lastError.dsn().startsWith("4")) {
            return DeliveryReply.hopFailure(out, at.lastError.dsn(), at.lastError.text());
        }
        return DeliveryReply.of(out);
    }

    /** The next hops of the request: the destination, then the fallback relays (smtp_connect_remote). */
    private void route(Attempt at) {
        DeliverRequest req = at.req;
        List<String> hops = new ArrayList<>();
        hops.add(req.nexthop());
        Nexthop primary;
        try {
            primary = cfg.lmtp() ? Nexthop.parseLmtp(req.nexthop(), cfg.defaultPort()) : Nexthop.parse(req.nexthop(), cfg.defaultPort());
        } catch (IllegalArgumentException e) {
            at.lastError = Verdict.defer("4.3.5", "bad nexthop \"" + Printable.sanitize(req.nexthop()) + "\": " + e.getMessage());
            return;
        }
        if (primary.unix() != null) {
            if (!cfg.fallbackRelay().isEmpty()) Msg.warn("lmtp_fallback_relay is ignored for UNIX-domain destinations");
            deliverUnix(at, primary);
            return;
        }
        hops.addAll(cfg.fallbackRelay());
        for (int h = 0; h < hops.size() && !at.open().isEmpty(); h++) {
            boolean fallback = h > 0;
            Nexthop hop;
            try {
                hop = h == 0 ? primary : cfg.lmtp() ? Nexthop.parseLmtp(hops.get(h), cfg.defaultPort()) : Nexthop.parse(hops.get(h), 25);
            } catch (IllegalArgumentException e) {
                continue; // checked at start-up
            }
            SiteList sites = addr.resolve(hop, cfg.dnsLookups() && !cfg.lmtp(), !cfg.lmtp());
            switch (sites) {
                case SiteList.Failure f -> {
                    Verdict v = f.permanent() ? Verdict.bounce(f.dsn(), f.text()) : Verdict.defer(f.dsn(), f.text());
                    boolean loop = f.dsn().endsWith(".4.6") || f.text().startsWith("unable to find primary relay");
                    if (fallback && f.permanent()) {
                        Msg.warn("smtp_fallback_relay configuration problem");
                        v = Verdict.defer("4.3.5", f.text());
                    } else if (h == 0 && f.permanent() && !relayhost.isEmpty() && req.nexthop().equalsIgnoreCase(relayhost)) {
                        Msg.warn("relayhost configuration problem");
                        v = Verdict.defer("4.3.5", f.text());
                    }
                    at.lastError = v;
                    at.lastThrottle = !f.permanent() && !loop; // a DNS lookup failure throttles (smtp_sess_fail)
                    if (loop) return; // no fallback relay after a mail loop
                }
                case SiteList.Addresses a -> {
                    boolean lastHop = h == hops.size() - 1;
                    tryAddresses(at, hop, hops.get(h), a.addresses(), lastHop);
                }
            }
        }
    }

    /** Tries the addresses of one next hop in order, with the connection cache. */
    private void tryAddresses(Attempt at, Nexthop hop, String destination, List<MxAddress> list, boolean lastHop) {
        SmtpTls.Policy policy;
        try {
            policy = tls.policy(hop, destination);
        } catch (TableException e) {
            Msg.warn("TLS policy lookup for " + Printable.sanitize(destination) + ": " + e.getMessage());
            at.lastError = Verdict.defer("4.7.0", "client TLS configuration problem");
            return;
        }
        int best = list.isEmpty() ? 0 : list.getFirst().preference();
        boolean keepWanted = cacheWanted(at.destLabel, hop);
        for (int k = 0; k < list.size(); k++) {
            if (at.open().isEmpty()) return;
            if (cfg.mxSessionLimit() > 0 && at.sessions >= cfg.mxSessionLimit()) return;
            MxAddress m = list.get(k);
            Endpoint ep = Endpoint.tcp(m, hop.port());
            boolean isFinal = lastHop && (k == list.size() - 1 || (cfg.mxSessionLimit() > 0 && at.sessions + 1 >= cfg.mxSessionLimit()));
            SmtpSession s = reuse(at, ep);
            if (s == null) {
                s = open(at, ep, m, hop, destination, policy, m.preference() <= best, isFinal);
                if (s == null) continue;
            }
            at.sessions++;
            session(at, s, isFinal, keepWanted);
        }
    }

    /** A cached session for the next hop (first) or this endpoint, that still answers RSET; or null. */
    private SmtpSession reuse(Attempt at, Endpoint ep) {
        for (int i = 0; i < 4; i++) {
            SmtpSession s = at.firstGood && at.sessions == 0 ? cache.takeDestination(at.destLabel) : null;
            if (s == null) s = cache.takeEndpoint(ep);
            if (s == null) return null;
            if (new SmtpProto(cfg, s).probe()) return s;
            s.close();
        }
        return null;
    }

    /** Connects and starts a session (greeting, EHLO, TLS, AUTH), with the plaintext retry at level may. */
    private SmtpSession open(Attempt at, Endpoint ep, MxAddress m, Nexthop hop, String destination, SmtpTls.Policy policy,
                             boolean bestMx, boolean isFinal) {
        Optional<SmtpSasl.Credentials> creds;
        try {
            creds = sasl.lookup(at.req.sender(), m.hostname(), destination);
        } catch (TableException e) {
            Msg.warn("SASL password lookup for " + Printable.sanitize(destination) + ": " + e.getMessage());
            at.lastError = Verdict.defer("4.3.0", "local data error while talking to " + ep.namaddr());
            return null;
        }
        boolean skipTls = false;
        for (int attempt = 0; attempt < 2; attempt++) {
            SmtpSession s;
            try {
                s = SmtpSession.connect(ep, cfg.connectTimeout(), cfg.heloTimeout());
            } catch (SmtpSession.ConnectFailure e) {
                at.lastError = Verdict.defer("4.4.1", e.getMessage());
                at.lastThrottle = true;
                if (!isFinal) Msg.info(e.getMessage());
                return null;
            }
            SmtpProto p = new SmtpProto(cfg, s);
            SmtpProto.Start st = p.start(new SmtpProto.TlsPlan(tls, policy, m.hostname(), hop.host(), skipTls), sasl, creds,
                    hop.port() == 25 ? new SmtpProto.LoopCheck(hop.host(), bestMx) : null); // smtp_connect.c: only on port 25
            if (st.ok()) return s;
            p.quit();
            sessionDone(at, s);
            s.close();
            long age = System.currentTimeMillis() - at.req.arrivalTime();
            if (st.plaintextRetry() && creds.isEmpty() && age >= cfg.minBackoff().toMillis()) {
                Msg.info(at.req.queueId() + ": " + st.text());
                skipTls = true;
                continue;
            }
            at.sessions++;
            Verdict v = st.permanent() ? Verdict.bounce(st.dsn(), st.text()) : Verdict.defer(st.dsn(), st.text());
            at.lastError = v;
            at.lastThrottle = st.throttle();
            for (int i : at.open()) at.relay[i] = ep.relay();
            if (st.permanent()) {
                for (int i : at.open()) at.result[i] = v;
            } else if (!isFinal) {
                Msg.info(at.req.queueId() + ": " + st.text());
            }
            return null;
        }
        return null;
    }

    /** One transaction on an open session; the session goes back to the cache or is closed. */
    private void session(Attempt at, SmtpSession s, boolean isFinal, boolean keepWanted) {
        List<Integer> idx = at.open();
        List<DeliverRequest.Recipient> batch = new ArrayList<>();
        for (int i : idx) batch.add(at.rcpts.get(i));
        long connectedAt = clock.millis();
        if (at.req.requiresSmtputf8() && !s.features.smtputf8()) {
            // smtp_helo(): DELIVERY_REQUIRES_SMTPUTF8 and not offered; soft while another server may be
            // tried, a bounce at the last one; this session is not cached for this message
            String text = "message requires SMTPUTF8, but no server was found that supports SMTPUTF8. "
                    + "The last attempted server was " + s.endpoint.namaddr();
            for (int i : idx) {
                at.relay[i] = s.endpoint.relay();
                at.connected[i] = connectedAt;
                if (isFinal) at.result[i] = Verdict.bounce("5.6.7", text);
            }
            at.lastError = Verdict.defer("4.6.7", text);
            if (!isFinal) Msg.info(at.req.queueId() + ": " + text);
            new SmtpProto(cfg, s).quit();
            sessionDone(at, s);
            s.close();
            return;
        }
        boolean keep = keepWanted && cache.storable(s, 1);
        SmtpProto.Result r = new SmtpProto(cfg, s).transaction(at.req, at.msg, batch, keep);
        Set<String> softTexts = new LinkedHashSet<>();
        for (int k = 0; k < idx.size(); k++) {
            int i = idx.get(k);
            Verdict v = r.verdicts().get(k);
            at.relay[i] = s.endpoint.relay();
            at.dsn[i] = s.features.dsn();
            at.connUse[i] = s.uses >= 2 ? s.uses : 0;
            at.connected[i] = connectedAt;
            if (v.outcome() == DeliveryStatus.Outcome.DEFERRED) at.lastError = v;
            if (v.outcome() == DeliveryStatus.Outcome.DEFERRED && !isFinal) softTexts.add(v.text());
            else at.result[i] = v;
        }
        for (String t : softTexts) Msg.info(at.req.queueId() + ": " + t);
        if (r.broken()) {
            at.lastThrottle = r.throttle();
        } else {
            at.completedSession = true;
        }
        sessionDone(at, s);
        if (keep && !r.broken() && cache.storable(s, 0)) {
            cache.put(s, at.firstGood ? at.destLabel : null);
            at.firstGood = false;
        } else {
            s.close();
        }
    }

    /** LMTP over a UNIX-domain socket: one server, always final. */
    private void deliverUnix(Attempt at, Nexthop hop) {
        Endpoint ep = Endpoint.unix(cfg.myhostname(), hop.unix());
        SmtpSession s = reuse(at, ep);
        if (s == null) {
            try {
                s = SmtpSession.connect(ep, cfg.connectTimeout(), cfg.heloTimeout());
            } catch (SmtpSession.ConnectFailure e) {
                at.lastError = Verdict.defer("4.4.1", e.getMessage());
                at.lastThrottle = true;
                return;
            }
            SmtpProto p = new SmtpProto(cfg, s);
            SmtpProto.Start st = p.start(SmtpProto.TlsPlan.NONE, sasl, Optional.empty(), null);
            if (!st.ok()) {
                p.quit();
                sessionDone(at, s);
                s.close();
                at.lastError = st.permanent() ? Verdict.bounce(st.dsn(), st.text()) : Verdict.defer(st.dsn(), st.text());
                at.lastThrottle = st.throttle();
                for (int i : at.open()) at.relay[i] = ep.relay();
                return;
            }
        }
        at.sessions++;
        session(at, s, true, cacheWanted(at.destLabel, hop));
    }

    /**
     * On-demand caching (qmgr's CONN_STORE heuristic, decided here): keep the session when another
     * delivery to this next hop is under way or ended within the last second; always for the
     * smtp_connection_cache_destinations.
     */
    private boolean cacheWanted(String destLabel, Nexthop hop) {
        if (cfg.cache().destinations().contains(hop.host())) return true;
        if (!cfg.cache().onDemand()) return false;
        Activity a = activity.get(destLabel);
        if (a == null) return false;
        return a.inFlight.get() > 1 || System.nanoTime() - a.lastDoneNanos < 1_000_000_000L;
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
