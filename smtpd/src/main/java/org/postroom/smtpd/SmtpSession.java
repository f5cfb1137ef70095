package org.postroom.smtpd;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postroom.global.mail.MailError;
import org.postroom.util.Printable;

/**
 * The SMTP protocol engine (smtpd.c, smtpd_proto): command lines and content in, reply values and the
 * next {@link Phase} out. It does no I/O; it reaches the world only through {@link RelayPolicy},
 * {@link QueueSink} and {@link SessionLog}, so whole dialogs run in memory. MAIL, RCPT, DATA and BDAT
 * live in {@link MailCommands}; this class owns the session state, dispatch, error accounting and the
 * connection-level log lines.
 */
final class SmtpSession {
    /** Commands that must end a pipelined group (RFC 2920), checked for unread input. */
    private static final Set<String> GROUP_END = Set.of("EHLO", "HELO", "DATA", "NOOP", "VRFY");
    private static final Set<String> KNOWN = Set.of("HELO", "EHLO", "MAIL", "RCPT", "DATA", "BDAT", "RSET",
            "NOOP", "VRFY", "ETRN", "QUIT", "HELP", "STARTTLS", "AUTH");
    private static final Set<String> FORBIDDEN = Set.of("CONNECT", "GET", "POST");
    /** The commands allowed before STARTTLS when TLS is enforced (SMTPD_CMD_FLAG_PRE_TLS). */
    private static final Set<String> PRE_TLS = Set.of("EHLO", "HELO", "XCLIENT", "STARTTLS", "NOOP", "QUIT");
    static final String DATA_CONTENT = "DATA content";
    static final String BDAT_CONTENT = "BDAT content";

    final SmtpdConfig cfg;
    final ClientInfo client;
    final RelayPolicy relay;
    final QueueSink sink;
    final SessionLog log;
    final Clock clock;
    final BareNewline bareNewline;
    private final CommandStats stats = new CommandStats();
    private final List<SmtpReply> out = new ArrayList<>();
    private final MailCommands mail;
    private boolean failed;
    Phase phase = Phase.COMMAND;
    /** The HELO/EHLO argument, or null before HELO/EHLO. */
    String helo;
    String protocol = "SMTP";
    private boolean esmtp;
    Transaction tx;
    private int errors;
    String where = "CONNECT";
    boolean bareLfNoted;
    /** Improper pipelining was logged once (SMTPD_FLAG_ILL_PIPELINING): it is not checked again. */
    private boolean illPipelining;
    /** The service's client table, or null when this session is not counted (tests, exempt clients). */
    private final Anvil anvil;
    private boolean anvilConnected;
    /** The TLS settings of this service, and the handshake once TLS is on (null before). */
    SmtpdTls tlsCfg = SmtpdTls.OFF;
    TlsInfo tls;
    /** SASL: the settings, this session's backend (null when AUTH is off), a pending exchange, the login. */
    SmtpdSasl saslCfg = SmtpdSasl.OFF;
    private SaslServer sasl;
    private SaslExchange authExchange;
    private String authMechanism;
    String saslUsername;
    String saslMethod;
    /** The error mask and transcript for postmaster notices (smtpd_chat.c); off until {@link #useNotifier}. */
    private ChatLog chat = new ChatLog(0, 0, null);
    /** Why the session ended abnormally (state->reason): "lost connection", "timeout", "too many errors". */
    private String reason;

    SmtpSession(SmtpdConfig cfg, ClientInfo client, RelayPolicy relay, QueueSink sink, SessionLog log, Clock clock) {
        this(cfg, client, relay, sink, log, clock, null);
    }

    SmtpSession(SmtpdConfig cfg, ClientInfo client, RelayPolicy relay, QueueSink sink, SessionLog log, Clock clock,
                Anvil anvil) {
        this.anvil = anvil == null || cfg.limits().exempt(client) ? null : anvil;
        this.cfg = cfg;
        this.client = client;
        this.relay = relay;
        this.sink = sink;
        this.log = log;
        this.clock = clock;
        this.bareNewline = cfg.bareNewlineFor(client);
        this.mail = new MailCommands(this);
    }

    Phase phase() {
        return phase;
    }

    /** Errors so far; replies are slowed down once this reaches smtpd_soft_error_limit. */
    int errors() {
        return errors;
    }

    BareNewline bareNewline() {
        return bareNewline;
    }

    Step greet() {
        log.info("connect from " + client.namaddr());
        return Step.of(new SmtpReply(220, "", cfg.banner(), false), phase);
    }

    /**
     * One command line (without CRLF). {@code unread} is the client input already waiting after it,
     * escaped for logging, or empty: the pipelining synchronisation check.
     */
    Step command(String line, String unread) {
        chat.heard(line, authExchange != null, client.namaddr());
        if (authExchange != null) return authResponse(line);
        String s = line.strip();
        int sp = 0;
        while (sp < s.length() && !Character.isWhitespace(s.charAt(sp))) sp++;
        String verb = s.substring(0, sp).toUpperCase(Locale.ROOT);
        String args = s.substring(sp).strip();
        if (verb.isEmpty()) {
            fail(MailError.PROTOCOL, "500 5.5.2 Error: bad syntax");
            return done();
        }
        if (forbidden(verb)) {
            log.warn("non-SMTP command from " + client.namaddr() + ": " + clip(line));
            stats.count("unknown", false);
            fail(SmtpReply.of("221 2.7.0 Error: I can break rules, too. Goodbye.").closing());
            return done();
        }
        String name = KNOWN.contains(verb) ? verb.toLowerCase(Locale.ROOT) : "unknown";
        where = KNOWN.contains(verb) ? verb : "UNKNOWN";
        if (tlsCfg.enforced() && tls == null && KNOWN.contains(verb) && !PRE_TLS.contains(verb)) {
            stats.count(name, false);
            fail("530 5.7.0 Must issue a STARTTLS command first");
            return done();
        }
        if (!unread.isEmpty() && !illPipelining && (!esmtp || GROUP_END.contains(verb))) {
            illPipelining = true;
            log.info("improper command pipelining after " + verb + " from " + client.namaddr() + ": " + unread);
            if (cfg.forbidUnauthPipelining()) {
                stats.count(name, false);
                fail(SmtpReply.of("554 5.5.0 Error: SMTP protocol synchronization").closing());
                return done();
            }
        }
        switch (verb) {
            case "HELO" -> helo(args, false);
            case "EHLO" -> helo(args, true);
            case "MAIL" -> mail.mail(args);
            case "RCPT" -> mail.rcpt(args);
            case "DATA" -> mail.data(args);
            case "BDAT" -> mail.bdat(args);
            case "RSET" -> rset(args);
            case "NOOP" -> reply("250 2.0.0 Ok");
            case "VRFY" -> mail.vrfy(args);
            case "ETRN" -> etrn(args);
            case "QUIT" -> reply(SmtpReply.of("221 2.0.0 Bye").closing());
            case "HELP" -> reply("214 2.0.0 Commands: BDAT DATA EHLO ETRN HELO HELP MAIL NOOP QUIT RCPT RSET VRFY");
            case "STARTTLS" -> starttls(args);
            case "AUTH" -> {
                auth(args);
                if (authExchange != null) return done(); // counted when the exchange ends
            }
            default -> fail(MailError.PROTOCOL, "500 5.5.2 Error: command not recognized");
        }
        if (phase instanceof Phase.Command) stats.count(name, !failed);
        return done();
    }

    /** Postmaster notices per notify_classes (smtpd_chat_notify) go to {@code n}; before the greeting. */
    void useNotifier(ChatNotifier n) {
        chat = new ChatLog(cfg.notifyMask(), cfg.historyThreshold(), n);
    }

    /** A reply line as it was sent (smtpd_chat_reply's copy for the transcript). */
    void said(String line) {
        chat.said(line);
    }

    /** The TLS settings of the service (before the greeting). */
    void useTls(SmtpdTls t) {
        this.tlsCfg = t;
    }

    /** STARTTLS (smtpd.c starttls_cmd): on 220 the network loop does the handshake next. */
    private void starttls(String args) {
        if (!args.isEmpty()) {
            fail(MailError.PROTOCOL, "501 5.5.4 Syntax: STARTTLS");
        } else if (tls != null) {
            fail(MailError.PROTOCOL, "554 5.5.1 Error: TLS already active");
        } else if (!tlsCfg.offered()) {
            fail(MailError.PROTOCOL, "502 5.5.1 Error: command not implemented");
        } else if (tlsCfg.context() == null) {
            fail(MailError.SOFTWARE, "454 4.7.0 TLS not available due to local problem");
        } else {
            reply("220 2.0.0 Ready to start TLS");
            phase = Phase.STARTTLS;
        }
    }

    /**
     * The handshake succeeded (after STARTTLS, or at connect in wrapper mode): every input is reset,
     * so the client must send EHLO again; with smtpd_tls_loglevel >= 1 the summary line is logged.
     */
    void tlsStarted(TlsInfo info) {
        tls = info;
        if (phase instanceof Phase.StartTls) stats.count("starttls", true);
        abortTransaction();
        helo = null;
        esmtp = false;
        protocol = "SMTP";
        phase = Phase.COMMAND;
        if (tlsCfg.loglevel() >= 1) {
            log.info("Anonymous TLS connection established from " + client.namaddr()
                    + (info.sni().isEmpty() ? "" : " to " + info.sni()) + ": " + info.summary());
        }
    }

    /**
     * The handshake failed: Postfix's SSL_accept lines, then "lost connection after STARTTLS" (or
     * CONNECT in wrapper mode); the session is over. {@code reason} null: the client went away.
     */
    void tlsFailed(String reason) {
        tlsEnded(reason == null ? "lost connection" : "-1");
        if (reason != null) log.warn("TLS library problem: " + clip(reason));
        lostConnection();
    }

    /**
     * smtpd_starttls_timeout passed before the handshake was done: Postfix's tls_bio gives up with
     * ETIMEDOUT, so the line says "Connection timed out"; then "lost connection after STARTTLS" (or
     * CONNECT), and the session is over.
     */
    void tlsTimedOut() {
        tlsEnded("Connection timed out");
        lostConnection();
    }

    private void tlsEnded(String what) {
        if (phase instanceof Phase.StartTls) stats.count("starttls", false);
        log.info("SSL_accept error from " + client.namaddr() + ": " + what);
    }

    /** SASL for this session: the settings and a backend (null: AUTH off). */
    void useSasl(SmtpdSasl cfg, SaslServer backend) {
        this.saslCfg = cfg;
        this.sasl = cfg.enabled() ? backend : null;
    }

    /** AUTH is announced and accepted: SASL is on, and TLS is on when smtpd_tls_auth_only says so. */
    private boolean saslActive() {
        return sasl != null && (tls != null || !tlsCfg.authOnly());
    }

    /** AUTH (smtpd_sasl_proto.c), with Postfix's checks in Postfix's order. */
    private void auth(String args) {
        String over = authRateExceeded();
        if (over != null) {
            fail(MailError.POLICY, over);
        } else if (cfg.heloRequired() && helo == null) {
            fail(MailError.POLICY, "503 5.5.1 Error: send HELO/EHLO first");
        } else if (sasl == null) {
            fail(MailError.PROTOCOL, "503 5.5.1 Error: authentication not enabled");
        } else if (tx != null) {
            fail(MailError.PROTOCOL, "503 5.5.1 Error: MAIL transaction in progress");
        } else if (tlsCfg.authOnly() && tls == null) {
            fail(MailError.PROTOCOL, "504 5.5.4 Encryption required for requested authentication mechanism");
        } else if (saslUsername != null) {
            fail(MailError.PROTOCOL, "503 5.5.1 Error: already authenticated");
        } else {
            String[] w = args.isEmpty() ? new String[0] : args.split("\\s+");
            if (w.length < 1 || w.length > 2) {
                fail(MailError.PROTOCOL, "501 5.5.4 Syntax: AUTH mechanism");
                return;
            }
            authMechanism = w[0].toUpperCase(Locale.ROOT);
            if (!sasl.available()) {
                fail("454 4.7.0 Temporary authentication failure: Can't connect to authentication server");
                return;
            }
            if (!sasl.mechanisms(tls != null).contains(authMechanism)) {
                authFailed("Invalid authentication mechanism", null);
                return;
            }
            String initial = null;
            if (w.length == 2) {
                initial = w[1].equals("=") ? "" : w[1];
                if (!SmtpdSasl.isBase64(initial)) {
                    authFailed("Invalid base64 data in initial response", null);
                    return;
                }
            }
            SaslExchange x = sasl.start(authMechanism, tls != null, client);
            String first = initial;
            authStep(x, () -> x.first(first));
        }
    }

    /** A line while an AUTH exchange waits for the client: its response to our 334 challenge. */
    private Step authResponse(String line) {
        SaslExchange x = authExchange;
        authExchange = null;
        if (line.equals("*")) {
            log.warn(client.namaddr() + ": SASL " + authMechanism + " authentication aborted");
            fail("501 5.7.0 Authentication aborted");
        } else if (line.length() > saslCfg.responseLimit()) {
            fail("500 5.5.6 SASL response limit exceeded");
        } else if (!SmtpdSasl.isBase64(line)) {
            authFailed("Invalid base64 data in continued response", null);
        } else {
            authStep(x, () -> x.next(line));
        }
        if (authExchange == null) stats.count("auth", !failed);
        return done();
    }

    private void authStep(SaslExchange x, java.util.function.Supplier<SaslStep> step) {
        SaslStep st;
        try {
            st = step.get();
        } catch (IllegalArgumentException e) {
            authFailed("Invalid base64 data in continued response", null);
            return;
        }
        switch (st) {
            case SaslStep.Challenge c -> {
                reply(new SmtpReply(334, "", c.base64(), false));
                authExchange = x;
            }
            case SaslStep.Success ok -> {
                saslUsername = ok.username();
                saslMethod = authMechanism;
                reply("235 2.7.0 Authentication successful");
            }
            case SaslStep.Failure f -> authFailed(f.reason(), f.username());
            case SaslStep.TempFailure t -> fail("454 4.7.0 Temporary authentication failure: " + t.reason());
        }
    }

    private void authFailed(String reason, String username) {
        log.warn(client.namaddr() + ": SASL " + authMechanism + " authentication failed: " + reason + ", sasl_username="
                + (username == null ? "(unavailable)" : username));
        fail("535 5.7.8 Error: authentication failed: " + reason);
    }

    /** An AUTH exchange waits for the client's response: the next line may be as long as smtpd_sasl_response_limit. */
    boolean awaitingSaslResponse() {
        return authExchange != null;
    }

    /**
     * A request line longer than {@code limit} (line_length_limit, or smtpd_sasl_response_limit for an
     * AUTH response); the rest of it has been skipped. {@code head} is its first piece. Postfix logs
     * the warning of smtpd_chat_query_limit for both.
     */
    Step commandTooLong(String head, int limit) {
        chat.heard(head, authExchange != null, client.namaddr());
        log.warn(client.namaddr() + ": request longer than " + limit + ": " + Printable.sanitize(head.substring(0, Math.min(30, head.length())))
                + "...");
        if (authExchange != null) {
            authExchange = null;
            fail("500 5.5.6 SASL response limit exceeded");
            stats.count("auth", false);
            return done();
        }
        fail(MailError.PROTOCOL, new SmtpReply(500, "5.5.2", cfg.myhostname() + " Error: command too long", false));
        return done();
    }

    /**
     * A command line ended by a bare LF with smtpd_forbid_bare_newline=reject: Postfix replies and ends
     * the session whatever the code (smtpd_proto breaks out of its command loop), so that nothing the
     * client pipelined after it runs.
     */
    Step bareLfCommand(String line) {
        chat.heard(line, authExchange != null, client.namaddr());
        failBareLf();
        out.set(out.size() - 1, out.getLast().closing());
        return done();
    }

    /**
     * The client spoke before the greeting (smtpd_proto's pre-greeting check): logged always; with
     * smtpd_forbid_unauth_pipelining the session ends with 554 instead of a banner.
     */
    Step earlyTalker(String unread) {
        illPipelining = true;
        log.info("improper command pipelining after CONNECT from " + client.namaddr() + ": " + unread);
        if (!cfg.forbidUnauthPipelining()) return Step.of(new SmtpReply(220, "", cfg.banner(), false), phase);
        stats.count("unknown", false);
        phase = Phase.CLOSED;
        return Step.of(SmtpReply.of("554 5.5.0 Error: SMTP protocol synchronization").closing(), phase);
    }

    /**
     * The connection count and rate check (smtpd_proto, after the pre-greeting check): a client over
     * smtpd_client_connection_count_limit or _rate_limit gets 421 instead of the greeting, and the
     * session ends at once, before it can send a single command.
     */
    Step admit(Step greeting) {
        if (anvil == null || phase instanceof Phase.Closed) return greeting;
        Anvil.Counts c = anvil.connect(client.address());
        anvilConnected = true;
        ClientLimits l = cfg.limits();
        String what = null;
        if (l.connectionCount() > 0 && c.count() > l.connectionCount()) {
            what = "Connection concurrency limit exceeded: " + c.count();
        } else if (l.connectionRate() > 0 && c.rate() > l.connectionRate()) {
            what = "Connection rate limit exceeded: " + c.rate();
        }
        if (what == null) return greeting;
        log.warn(what + " from " + client.namaddr() + " for service " + anvil.service());
        phase = Phase.CLOSED;
        return Step.of(SmtpReply.of("421 4.7.0 " + cfg.myhostname() + " Error: too many connections from "
                + client.address()).closing(), phase);
    }

    /** smtpd_client_message_rate_limit at MAIL: the reply when this MAIL is over the limit, else null. */
    String messageRateExceeded() {
        if (anvil == null || cfg.limits().messageRate() <= 0) return null;
        int rate = anvil.message(client.address());
        if (rate <= cfg.limits().messageRate()) return null;
        log.warn("Message delivery request rate limit exceeded: " + rate + " from " + client.namaddr()
                + " for service " + anvil.service());
        return "450 4.7.1 Error: too much mail from " + client.address();
    }

    /** smtpd_client_recipient_rate_limit at RCPT: the reply when this RCPT is over the limit, else null. */
    String recipientRateExceeded() {
        if (anvil == null || cfg.limits().recipientRate() <= 0) return null;
        int rate = anvil.recipient(client.address());
        if (rate <= cfg.limits().recipientRate()) return null;
        log.warn("Recipient address rate limit exceeded: " + rate + " from " + client.namaddr()
                + " for service " + anvil.service());
        return "450 4.7.1 Error: too many recipients from " + client.address();
    }

    /** smtpd_client_auth_rate_limit, before anything else AUTH checks (smtpd_sasl_auth_cmd_wrapper). */
    private String authRateExceeded() {
        if (anvil == null || cfg.limits().authRate() <= 0) return null;
        int rate = anvil.auth(client.address());
        if (rate <= cfg.limits().authRate()) return null;
        log.warn("AUTH command rate limit exceeded: " + rate + " from " + client.namaddr() + " for service " + anvil.service());
        return "450 4.7.1 Error: too many AUTH commands from " + client.address();
    }

    /** A bare LF was seen; with smtpd_forbid_bare_newline=note the disconnect line says so. */
    void noteBareLf() {
        if (bareNewline == BareNewline.NOTE) bareLfNoted = true;
    }

    /** DATA content: one line, or one piece of a long line ({@code complete} false). */
    void content(byte[] bytes, boolean complete) {
        mail.content(bytes, complete);
    }

    /** The end of DATA; {@code bareLf} when the content had a bare LF and that is to be rejected. */
    Step endData(boolean bareLf) {
        mail.endData(bareLf);
        return done();
    }

    /** BDAT chunk octets, in order, exactly the announced count in total. */
    void chunk(byte[] data, int off, int len) {
        mail.chunk(data, off, len);
    }

    Step endChunk() {
        mail.endChunk();
        return done();
    }

    /** smtpd_timeout expired while waiting for the client. */
    Step timeout() {
        reason = "timeout";
        log.info("timeout after " + whereForLog() + " from " + client.namaddr());
        abortTransaction();
        phase = Phase.CLOSED;
        return Step.of(new SmtpReply(421, "4.4.2", cfg.myhostname() + " Error: timeout exceeded", true), phase);
    }

    /** The client went away without QUIT. */
    void lostConnection() {
        reason = "lost connection";
        log.info("lost connection after " + whereForLog() + " from " + client.namaddr());
        abortTransaction();
        phase = Phase.CLOSED;
    }

    /** The end of the session: drops an unfinished message and logs the statistics. */
    void disconnect() {
        if (anvilConnected) {
            anvil.disconnect(client.address());
            anvilConnected = false;
        }
        abortTransaction();
        phase = Phase.CLOSED;
        if (sasl != null) sasl.close();
        chat.end(client.namaddr(), reason);
        log.info("disconnect from " + client.namaddr() + stats.summary() + (bareLfNoted ? " notes=bare_lf" : ""));
    }

    private String whereForLog() {
        long bytes = tx == null ? 0 : tx.size;
        if (where.equals(DATA_CONTENT)) return "DATA (" + bytes + " bytes)";
        if (where.equals(BDAT_CONTENT)) return "BDAT (" + bytes + " bytes)";
        return where;
    }

    private void helo(String args, boolean ehlo) {
        if (args.isEmpty()) {
            fail(MailError.PROTOCOL, ehlo ? "501 Syntax: EHLO hostname" : "501 Syntax: HELO hostname");
            return;
        }
        chat.reset(client.namaddr());
        abortTransaction();
        helo = Hostnames.neuter(args);
        esmtp = ehlo;
        protocol = ehlo ? "ESMTP" : "SMTP";
        if (!ehlo) {
            reply(new SmtpReply(250, "", cfg.myhostname(), false));
            return;
        }
        List<String> keywords = new ArrayList<>(cfg.ehloKeywords());
        // STARTTLS after ETRN (ehlo_cmd), while TLS is not on yet
        int at = keywords.indexOf("ETRN") + 1;
        if (tlsCfg.offered() && tls == null) keywords.add(at++, "STARTTLS");
        if (saslActive()) {
            List<String> mechs = sasl.mechanisms(tls != null);
            if (!mechs.isEmpty()) {
                keywords.add(at++, "AUTH " + String.join(" ", mechs));
                if (saslCfg.brokenClients()) keywords.add(at, "AUTH=" + String.join(" ", mechs));
            }
        }
        reply(new SmtpReply(250, "", cfg.myhostname() + "\n" + String.join("\n", keywords), false));
    }

    private void rset(String args) {
        if (!args.isEmpty()) {
            fail(MailError.PROTOCOL, "501 5.5.4 Syntax: RSET");
            return;
        }
        chat.reset(client.namaddr());
        abortTransaction();
        reply("250 2.0.0 Ok");
    }

    /** ETRN (RFC 1985). There is no fast-flush service, so every valid request is refused with 459. */
    private void etrn(String args) {
        if (cfg.heloRequired() && helo == null) {
            fail(MailError.POLICY, "503 Error: send HELO/EHLO first");
        } else if (tx != null) {
            fail(MailError.PROTOCOL, "503 Error: MAIL transaction in progress");
        } else if (args.isEmpty() || args.split("\\s+").length != 1) {
            fail(MailError.PROTOCOL, "500 Syntax: ETRN domain");
        } else {
            String site = args.startsWith("@") || args.startsWith("#") ? args.substring(1) : args;
            boolean literal = site.startsWith("[") && site.endsWith("]") && Hostnames.validLiteral(site.substring(1, site.length() - 1));
            if (!literal && !Hostnames.valid(site)) {
                fail(MailError.PROTOCOL, "501 Error: invalid parameter syntax");
            } else {
                log.warn("reject: ETRN " + clip(site) + "... from " + client.namaddr());
                fail(new SmtpReply(459, "", "<" + site + ">: service unavailable", false));
            }
        }
    }

    void abortTransaction() {
        if (tx != null) tx.abort();
        tx = null;
    }

    void reply(String text) {
        out.add(SmtpReply.of(text));
    }

    void reply(SmtpReply r) {
        out.add(r);
    }

    void fail(String text) {
        fail(SmtpReply.of(text));
    }

    void fail(SmtpReply r) {
        out.add(r);
        failed = true;
    }

    /** A refusal that smtpd.c gives error classes ({@link MailError} bits) for postmaster notices. */
    void fail(int errorClasses, String text) {
        fail(errorClasses, SmtpReply.of(text));
    }

    void fail(int errorClasses, SmtpReply r) {
        chat.error(errorClasses);
        fail(r);
    }

    /** Error classes without a refusal of their own (a reply already given). */
    void error(int errorClasses) {
        chat.error(errorClasses);
    }

    /** A message was received: Postfix forgives earlier errors. */
    void forgiveErrors() {
        errors = 0;
        chat.forgive();
    }

    void failBareLf() {
        int code = cfg.bareNewlineRejectCode();
        log.info("bare <LF> received after " + where + " from " + client.namaddr());
        fail(MailError.PROTOCOL, new SmtpReply(code, (code >= 500 ? "5" : "4") + ".5.2", cfg.myhostname() + " Error: bare <LF> received",
                code == 421 || code == 521));
    }

    /** Counts a DATA or BDAT command once its content has been dealt with. */
    void countContentCommand(String name) {
        stats.count(name, !failed);
    }

    /** Collects the replies of this event, applies the hard error limit and picks the next phase. */
    private Step done() {
        if (failed) errors++;
        boolean closing = out.stream().anyMatch(SmtpReply::closeAfter);
        if (!closing && phase instanceof Phase.Command && errors >= cfg.hardErrorLimit()) {
            log.info("too many errors after " + whereForLog() + " from " + client.namaddr());
            reason = "too many errors";
            chat.error(MailError.PROTOCOL);
            out.add(new SmtpReply(421, "4.7.0", cfg.myhostname() + " Error: too many errors", true));
            closing = true;
        }
        if (closing) {
            abortTransaction();
            phase = Phase.CLOSED;
        }
        Step s = new Step(out, phase);
        out.clear();
        failed = false;
        return s;
    }

    /**
     * smtpd_forbid_commands at its default, CONNECT GET POST regexp:{{/^[^A-Z]/ Thrash}}, and a
     * header name ("Subject:", smtpd.c is_header): mail content that arrives as commands (a client that
     * misunderstood the end of DATA, or an attack) ends the session instead of running.
     */
    private static boolean forbidden(String verb) {
        if (FORBIDDEN.contains(verb)) return true;
        char c = verb.charAt(0);
        if (c < 'A' || c > 'Z') return true;
        return verb.length() > 1 && verb.endsWith(":")
                && verb.substring(0, verb.length() - 1).chars().allMatch(ch -> ch > 32 && ch < 127 && ch != ':');
    }

    static String clip(String s) {
        return s.length() > 100 ? s.substring(0, 100) : s;
    }
}
