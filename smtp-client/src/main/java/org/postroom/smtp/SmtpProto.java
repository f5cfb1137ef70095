package org.postroom.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postroom.global.log.Msg;
import org.postroom.global.mail.MailError;
import org.postroom.global.mailbox.Message;
import org.postroom.global.mailbox.Verdict;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryStatus;

/**
 * The dialogue with one server (smtp_proto.c). {@link #start} reads the greeting and sends EHLO (HELO
 * when EHLO is refused, LHLO for LMTP), STARTTLS as the TLS policy says (then EHLO again) and AUTH when
 * there are credentials; {@link #transaction} sends one message: MAIL FROM (SIZE, BODY), RCPT TO (ORCPT
 * when the server offers DSN) and DATA, all in one write when the server offers PIPELINING, then the
 * content dot-stuffed with CRLF line ends, long lines broken at smtp_line_length_limit, and 8-bit MIME
 * parts converted to quoted-printable for a server without 8BITMIME. Replies are classified as Postfix
 * does (smtp_trouble.c): 2xx is success, 4xx and lost connections are soft (the caller may try the next
 * server), 5xx is hard; failures of the server or the connection rather than of a recipient are marked
 * as throttling the destination. The session stays open for the connection cache when the caller asks.
 */
final class SmtpProto {
    /** How {@link #start} ended: null fields and {@code ok} on success, else Postfix's status and reason. */
    record Start(boolean ok, String dsn, String text, boolean permanent, boolean throttle, boolean plaintextRetry) {
        static final Start OK = new Start(true, null, null, false, false, false);

        static Start fail(String dsn, String text, boolean permanent, boolean throttle) {
            return new Start(false, dsn, text, permanent, throttle, false);
        }
    }

    /**
     * The outcome of a transaction: one verdict per recipient of the batch, in order; whether the
     * session broke (lost, timed out, 421, protocol error: never reuse it) and whether that failure
     * throttles the destination; and the last session-level error text.
     */
    record Result(List<Verdict> verdicts, boolean broken, boolean throttle, String sessionError) {}

    /** The TLS part of a session plan: the engine and policy, the names to check, and whether to skip TLS. */
    record TlsPlan(SmtpTls engine, SmtpTls.Policy policy, String mxHost, String nexthopHost, boolean skip) {
        static final TlsPlan NONE = new TlsPlan(null, SmtpTls.Policy.NONE, "", "", true);
    }

    /** What the loop check needs: the destination name and whether this server is a best MX. */
    record LoopCheck(String destination, boolean bestMx) {}

    private static final int PIPELINE_WINDOW = 4096;
    private static final int AUTH_STEP_LIMIT = 100;
    /** What a postmaster notice shows for SASL data (Postfix records it as sent). */
    static final String HIDDEN = "(hidden)";

    private final SmtpConfig cfg;
    private final SmtpSession s;
    private final String namaddr;
    private String stage = "initial server greeting";

    SmtpProto(SmtpConfig cfg, SmtpSession s) {
        this.cfg = cfg;
        this.s = s;
        this.namaddr = s.endpoint.namaddr();
    }

    // ---------------------------------------------------------------- session start

    Start start(TlsPlan tls, SmtpSasl sasl, Optional<SmtpSasl.Credentials> creds, LoopCheck loop) {
        try {
            if (tls.engine() != null && tls.engine().wrappermode() && !tls.skip()) {
                if (!tls.policy().level().required()) {
                    Msg.warn((cfg.lmtp() ? "lmtp" : "smtp") + "_tls_wrappermode requires \"" + (cfg.lmtp() ? "lmtp" : "smtp")
                            + "_tls_security_level = encrypt\" (or stronger)");
                    return Start.fail("4.7.0", "TLS is required, but unavailable", false, false);
                }
                stage = "STARTTLS";
                s.timeout(cfg.starttlsTimeout());
                Start t = handshake(tls);
                if (t != null) return t;
            }
            stage = "initial server greeting";
            ServerReply greeting = reply(cfg.heloTimeout());
            if (greeting.code() / 100 != 2) {
                checkCode(greeting);
                boolean hard = greeting.code() / 100 == 5 && !cfg.skip5xxGreeting();
                s.noReuse();
                return Start.fail(hard ? greeting.dsn() : four(greeting.dsn()), "host " + namaddr + " refused to talk to me: "
                        + greeting.text(), hard, true);
            }
            Start h = helo(greeting, loop);
            if (h != null) return h;
            if (tls.engine() != null && !tls.skip() && s.tls == null) {
                SmtpTls.Level level = tls.policy().level();
                if (level == SmtpTls.Level.NONE) {
                    if (s.features.starttls() && tls.engine().noteStarttlsOffer()) Msg.info("Host offered STARTTLS: [" + s.endpoint.hostname() + "]");
                } else if (!s.features.starttls()) {
                    if (level.required()) {
                        s.noReuse();
                        return Start.fail("4.7.4", "TLS is required, but was not offered by host " + namaddr, false, true);
                    }
                } else {
                    stage = "STARTTLS";
                    ServerReply r = command("STARTTLS", cfg.starttlsTimeout());
                    if (r.code() / 100 == 2) {
                        Start t = handshake(tls);
                        if (t != null) return t;
                        stage = "EHLO";
                        Start again = helo(null, null);
                        if (again != null) return again;
                    } else if (level.required()) {
                        checkCode(r);
                        s.noReuse();
                        return Start.fail(r.code() / 100 == 5 ? r.dsn() : four(r.dsn()), "TLS is required, but host " + namaddr
                                + " refused to start TLS: " + r.text(), r.code() / 100 == 5, true);
                    }
                }
            }
            if (creds.isPresent() && !s.features.auth().isEmpty()) {
                Start a = auth(sasl, creds.get());
                if (a != null) return a;
            }
            return Start.OK;
        } catch (ServerReply.Malformed e) {
            s.error(MailError.PROTOCOL);
            s.noReuse();
            return Start.fail("4.4.2", "host " + namaddr + " " + e.getMessage() + " (in reply to " + stage + " command)", false, true);
        } catch (IOException e) {
            s.noReuse();
            return Start.fail("4.4.2", ioText(e), false, true);
        }
    }

    private Start handshake(TlsPlan tls) throws IOException {
        try {
            s.timeout(cfg.starttlsTimeout());
            s.tls = tls.engine().handshake(s, tls.policy(), tls.mxHost(), tls.nexthopHost());
        } catch (SmtpTls.HandshakeFailure e) {
            if (s.expired()) throw e;
            Msg.info("SSL_connect error to " + s.endpoint.relay() + ": -1");
            Msg.warn("TLS library problem: " + e.getMessage());
            s.noReuse();
            boolean may = tls.policy().level() == SmtpTls.Level.MAY;
            return new Start(false, "4.7.5", "Cannot start TLS: handshake failure", false, !may, may);
        }
        if (tls.policy().level().authenticates() && !s.tls.verified()) {
            s.noReuse();
            return Start.fail("4.7.5", "Server certificate not verified", false, true);
        }
        if (!tls.engine().connectionReuse()) s.noReuse();
        return null;
    }

    /** EHLO or HELO (LHLO for LMTP); {@code greeting} null when repeating EHLO after STARTTLS. */
    private Start helo(ServerReply greeting, LoopCheck loop) throws IOException {
        boolean ehlo = cfg.lmtp() || (!cfg.neverEhlo() && (cfg.alwaysEhlo() || greeting == null
                || greeting.text().toUpperCase(Locale.ROOT).contains("ESMTP")));
        if (ehlo) {
            String verb = cfg.lmtp() ? "LHLO" : "EHLO";
            stage = verb;
            ServerReply r = command(verb + " " + cfg.heloName(), cfg.heloTimeout());
            if (r.code() / 100 == 2) {
                s.features = Features.parse(r.lines(), cfg.discardEhloKeywords(), namaddr, Msg::warn);
                return loop(r, loop);
            }
            if (r.code() == 421 || cfg.lmtp()) {
                checkCode(r);
                s.noReuse();
                boolean hard = r.code() / 100 == 5;
                return Start.fail(hard ? r.dsn() : four(r.dsn()), "host " + namaddr + " refused to talk to me: " + r.text(), hard, true);
            }
        }
        stage = "HELO";
        ServerReply r = command("HELO " + cfg.heloName(), cfg.heloTimeout());
        if (r.code() / 100 != 2) {
            checkCode(r);
            s.noReuse();
            boolean hard = r.code() / 100 == 5;
            return Start.fail(hard ? r.dsn() : four(r.dsn()), "host " + namaddr + " refused to talk to me: " + r.text(), hard, true);
        }
        s.features = Features.HELO;
        return loop(r, loop);
    }

    /** A server that answers HELO/EHLO with our own name is us: the mail would loop. */
    private Start loop(ServerReply r, LoopCheck loop) {
        if (loop == null || cfg.lmtp()) return null;
        String first = r.lines().getFirst();
        String name = first.length() > 4 ? first.substring(4).strip().split("\\s+")[0] : "";
        if (!name.equalsIgnoreCase(cfg.myhostname())) return null;
        Msg.warn("host " + namaddr + " replied to HELO/EHLO with my own hostname " + cfg.myhostname());
        s.noReuse();
        return Start.fail(loop.bestMx() ? "5.4.6" : "4.4.6", "mail for " + loop.destination() + " loops back to myself", loop.bestMx(), true);
    }

    private Start auth(SmtpSasl sasl, SmtpSasl.Credentials c) throws IOException {
        Optional<String> mech = sasl.choose(s.features.auth(), s.tls != null);
        if (mech.isEmpty()) {
            s.noReuse();
            return Start.fail("4.7.0", "SASL authentication failed: server " + namaddr
                    + " offered no compatible authentication mechanisms for this type of connection security", false, true);
        }
        stage = "AUTH";
        SmtpSasl.Exchange ex = new SmtpSasl.Exchange(mech.get(), c);
        String initial = ex.initial();
        String line = "AUTH " + mech.get() + (initial != null ? " " + (initial.isEmpty() ? "=" : initial) : "");
        if (line.length() > 512) {
            line = "AUTH " + mech.get();
        }
        ServerReply r = command(line, "AUTH " + mech.get() + (line.length() > ("AUTH " + mech.get()).length() ? " " + HIDDEN : ""),
                cfg.heloTimeout());
        for (int step = 0; r.code() == 334; step++) {
            if (step >= AUTH_STEP_LIMIT) {
                s.noReuse();
                return Start.fail("4.7.0", "SASL authentication failed; authentication protocol loop with server " + namaddr, false, true);
            }
            String ch = r.lines().getFirst().length() > 4 ? r.lines().getFirst().substring(4) : "";
            String answer;
            try {
                answer = ex.respond(ch);
            } catch (GeneralSecurityException e) {
                answer = null;
            }
            r = command(answer == null ? "*" : answer, answer == null ? "*" : HIDDEN, cfg.heloTimeout());
        }
        if (r.code() / 100 == 2) {
            s.saslUser = c.user();
            return null;
        }
        s.noReuse();
        boolean hard = r.code() / 100 == 5 && !sasl.softBounce();
        return Start.fail(hard ? r.dsn() : four(r.dsn()), "SASL authentication failed; server " + namaddr + " said: " + r.text(), hard, true);
    }

    /** The RSET probe before a cached session is used again: false when it no longer answers well. */
    boolean probe() {
        stage = "RSET probe";
        try {
            ServerReply r = command("RSET", cfg.rsetTimeout());
            return r.code() / 100 == 2;
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- one message

    /**
     * Sends one message to the {@code batch} recipients of {@code req}. With {@code keep} the session
     * is left open for the cache (no QUIT; an aborted transaction is ended with RSET), else QUIT goes
     * out after the dot (pipelined) or after the failure.
     */
    Result transaction(DeliverRequest req, Message msg, List<DeliverRequest.Recipient> batch, boolean keep) {
        List<Verdict> v = new ArrayList<>(Collections.nCopies(batch.size(), (Verdict) null));
        Features f = s.features;
        boolean downgrade = cfg.mimeDowngrade() && !f.eightBitMime() && !req.encoding().equalsIgnoreCase("7bit");
        s.uses++;
        try {
            if (f.sizeLimit() > 0 && req.size() > f.sizeLimit()) {
                Verdict all = Verdict.bounce("5.3.4", "message size " + req.size() + " exceeds size limit " + f.sizeLimit()
                        + " of server " + namaddr);
                Collections.fill(v, all);
                s.noReuse();
                return new Result(v, true, false, null);
            }
            StringBuilder mail = new StringBuilder("MAIL FROM:<").append(quote(req.sender())).append('>');
            if (f.sizeLimit() >= 0 && !downgrade) mail.append(" SIZE=").append(req.size());
            if (f.eightBitMime()) {
                if (req.encoding().equalsIgnoreCase("8bit")) mail.append(" BODY=8BITMIME");
                else if (req.encoding().equalsIgnoreCase("7bit")) mail.append(" BODY=7BIT");
            }
            if (f.dsn()) {
                if (!req.dsnEnvid().isEmpty()) mail.append(" ENVID=").append(xtext(req.dsnEnvid()));
                if (req.dsnRet() == 1) mail.append(" RET=FULL");
                else if (req.dsnRet() == 2) mail.append(" RET=HDRS");
            }
            // SMTPUTF8 only when the sender asked for it; without the server's support the message has
            // been found not to need it (Smtp checks DELIVERY_REQUIRES_SMTPUTF8 before the transaction)
            if (f.smtputf8() && (req.sendopts() & DeliverRequest.SMTPUTF8_REQUESTED) != 0) mail.append(" SMTPUTF8");
            List<String> commands = new ArrayList<>();
            List<Duration> timeouts = new ArrayList<>();
            List<String> stages = new ArrayList<>();
            commands.add(mail.toString());
            timeouts.add(cfg.mailTimeout());
            stages.add("MAIL FROM");
            for (DeliverRequest.Recipient r : batch) {
                StringBuilder rc = new StringBuilder("RCPT TO:<").append(quote(r.address())).append('>');
                if (f.dsn()) {
                    String orcpt = orcpt(req, r);
                    if (!orcpt.isEmpty()) rc.append(" ORCPT=").append(orcpt);
                    if (r.dsnNotify() != 0) rc.append(" NOTIFY=").append(notify(r.dsnNotify()));
                }
                commands.add(rc.toString());
                timeouts.add(cfg.rcptTimeout());
                stages.add("RCPT TO");
            }
            boolean pipelining = f.pipelining();
            // an address probe (sendmail -bv) ends after RCPT TO: RSET (and QUIT) instead of DATA (smtp_proto.c)
            boolean traceOnly = req.traceOnly();
            ServerReply[] rcptReplies = new ServerReply[batch.size()];
            if (pipelining && !traceOnly) {
                commands.add("DATA");
                timeouts.add(cfg.dataInitTimeout());
                stages.add("DATA");
            }
            ServerReply mailReply = null;
            List<Integer> accepted = new ArrayList<>();
            ServerReply dataReply = null;
            int sent = 0;
            int pending = 0;
            for (int recv = 0; recv < commands.size(); recv++) {
                while (sent < commands.size() && (sent == recv || pending + commands.get(sent).length() + 2 <= PIPELINE_WINDOW)) {
                    s.write(commands.get(sent));
                    pending += commands.get(sent).length() + 2;
                    sent++;
                    if (!pipelining) break;
                }
                stage = stages.get(recv);
                s.timeout(timeouts.get(recv));
                s.out().flush();
                ServerReply r = s.read();
                pending -= commands.get(recv).length() + 2;
                if (recv == 0) {
                    mailReply = r;
                    if (r.code() / 100 != 2) {
                        Verdict all = verdict(r, said(r, "MAIL FROM"));
                        Collections.fill(v, all);
                        if (r.code() == 421) return broken(v, all.text(), true);
                        if (!pipelining) return abort(v, keep);
                    }
                } else if (recv <= batch.size()) {
                    if (mailReply.code() / 100 != 2) continue;
                    int i = recv - 1;
                    if (r.code() / 100 == 2) {
                        accepted.add(i);
                        rcptReplies[i] = r;
                    } else {
                        v.set(i, verdict(r, said(r, "RCPT TO")));
                        if (r.code() == 421) {
                            for (int k = 0; k < v.size(); k++) if (v.get(k) == null || accepted.contains(k)) v.set(k, v.get(i));
                            return broken(v, v.get(i).text(), true);
                        }
                    }
                } else {
                    dataReply = r;
                }
            }
            if (mailReply.code() / 100 != 2 || accepted.isEmpty()) {
                if (dataReply != null && dataReply.code() / 100 == 3) {
                    // RFC 2920: DATA went out with the rejected recipients and was accepted anyway
                    stage = "end of DATA";
                    s.write(".");
                    s.timeout(cfg.dataDoneTimeout());
                    s.out().flush();
                    s.read();
                }
                return abort(v, keep);
            }
            if (traceOnly) {
                for (int i : accepted) v.set(i, sent(rcptReplies[i]));
                return abort(v, keep);
            }
            if (dataReply == null) {
                stage = "DATA";
                dataReply = command("DATA", cfg.dataInitTimeout());
            }
            if (dataReply.code() / 100 != 3) {
                Verdict all = verdict(dataReply, said(dataReply, "DATA"));
                for (int i : accepted) v.set(i, all);
                if (dataReply.code() == 421) return broken(v, all.text(), true);
                return abort(v, keep);
            }
            stage = "message body";
            s.timeout(cfg.dataXferTimeout());
            content(msg, downgrade);
            s.write(".");
            boolean quitNow = !keep && pipelining;
            if (quitNow) s.write("QUIT");
            stage = "end of DATA";
            s.timeout(cfg.dataDoneTimeout());
            s.out().flush();
            if (cfg.lmtp()) {
                for (int i : accepted) {
                    ServerReply r = s.read();
                    v.set(i, r.code() / 100 == 2 ? sent(r) : verdict(r, said(r, "end of DATA")));
                }
            } else {
                ServerReply r = s.read();
                Verdict all = r.code() / 100 == 2 ? sent(r) : verdict(r, said(r, "end of DATA"));
                for (int i : accepted) v.set(i, all);
                if (r.code() == 421) return broken(v, all.text(), true);
            }
            for (int i = 0; i < v.size(); i++) if (v.get(i) == null) v.set(i, Verdict.defer("4.3.0", "server unavailable or unable to receive mail"));
            if (!keep && !quitNow) quit();
            if (!keep) s.noReuse();
            return new Result(v, false, false, null);
        } catch (ServerReply.Malformed e) {
            s.error(MailError.PROTOCOL);
            s.noReuse();
            String text = "host " + namaddr + " " + e.getMessage() + " (in reply to " + stage + " command)";
            return broken(v, text, true);
        } catch (IOException e) {
            s.noReuse();
            return broken(v, ioText(e), true);
        }
    }

    /**
     * The transaction ended before the content (SMTP_STATE_ABORT): RSET and its reply, then QUIT unless
     * the session goes back to the cache.
     */
    private Result abort(List<Verdict> v, boolean keep) {
        for (int i = 0; i < v.size(); i++) if (v.get(i) == null) v.set(i, Verdict.defer("4.3.0", "server unavailable or unable to receive mail"));
        stage = "final RSET";
        try {
            ServerReply r = command("RSET", cfg.rsetTimeout());
            if (r.code() / 100 != 2) s.noReuse();
        } catch (IOException e) {
            s.noReuse();
        }
        if (!keep || !s.reusable()) {
            quit();
            s.noReuse();
        }
        return new Result(v, false, false, null);
    }

    private Result broken(List<Verdict> v, String text, boolean throttle) {
        s.noReuse();
        Verdict f = Verdict.defer("4.4.2", text);
        for (int i = 0; i < v.size(); i++) if (v.get(i) == null) v.set(i, f);
        return new Result(v, true, throttle, text);
    }

    private String ioText(IOException e) {
        if (s.expired() || e instanceof java.net.SocketTimeoutException) return "conversation with " + namaddr + " timed out while " + while_(stage);
        return "lost connection with " + namaddr + " while " + while_(stage);
    }

    private static String while_(String stage) {
        return switch (stage) {
            case "initial server greeting" -> "receiving the initial server greeting";
            case "EHLO", "HELO", "LHLO" -> "performing the " + stage + " handshake";
            case "STARTTLS" -> "receiving the STARTTLS response";
            case "AUTH" -> "authenticating";
            case "DATA" -> "sending DATA command";
            case "end of DATA" -> "sending end of data -- message may be sent more than once";
            default -> "sending " + stage;
        };
    }

    private static String four(String dsn) {
        return "4" + dsn.substring(1);
    }

    private String said(ServerReply r, String command) {
        return "host " + namaddr + " said: " + r.text() + " (in reply to " + command + " command)";
    }

    private Verdict verdict(ServerReply r, String text) {
        checkCode(r);
        return verdict0(r, text).remote(host(), r.text());
    }

    /**
     * smtp_check_code(): a failure reply that is no 4xx or 5xx, or 500-509 or 555 (RFC 1869), is a
     * protocol error: the postmaster may hear of it (notify_classes protocol), and the session is not
     * cached.
     */
    private void checkCode(ServerReply r) {
        int c = r.code();
        if (c < 400 || c > 599 || c == 555 || (c >= 500 && c < 510)) {
            s.error(MailError.PROTOCOL);
            s.noReuse();
        }
    }

    /** smtp_rcpt_done(): a 2xx reply; the server's name and reply go into a success report's Remote-MTA and Diagnostic-Code. */
    private Verdict sent(ServerReply r) {
        return new Verdict(DeliveryStatus.Outcome.SENT, r.dsn(), r.text()).remote(host(), r.text());
    }

    private String host() {
        int bracket = namaddr.indexOf('[');
        return bracket > 0 ? namaddr.substring(0, bracket) : namaddr;
    }

    private Verdict verdict0(ServerReply r, String text) {
        int c = r.code() / 100;
        if (c == 5) return cfg.softBounce() ? Verdict.defer(four(r.dsn()), text) : Verdict.bounce(r.dsn(), text);
        if (c == 4) return Verdict.defer(r.dsn(), text);
        s.noReuse();
        s.error(MailError.PROTOCOL);
        return cfg.softBounce() ? Verdict.defer("4.5.0", "Protocol error: " + text) : Verdict.bounce("5.5.0", "Protocol error: " + text);
    }

    private ServerReply command(String line, Duration timeout) throws IOException {
        return command(line, line, timeout);
    }

    /** A command whose transcript line is {@code shown} (SASL data stays out of postmaster notices). */
    private ServerReply command(String line, String shown, Duration timeout) throws IOException {
        s.timeout(timeout);
        s.write(line, shown);
        s.out().flush();
        return s.read();
    }

    private ServerReply reply(Duration timeout) throws IOException {
        s.timeout(timeout);
        return s.read();
    }

    /** QUIT without waiting for the reply (smtp_skip_quit_response = yes). */
    void quit() {
        try {
            s.timeout(cfg.quitTimeout());
            s.write("QUIT");
            s.out().flush();
        } catch (IOException e) {
            // the server may be gone; nothing depends on it
        }
    }

    /** The address as RFC 5321 wants it in the envelope: a local part that needs quotes gets them. */
    static String quote(String address) {
        if (address.isEmpty()) return address;
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? "" : address.substring(at);
        if (local.startsWith("\"") || local.matches("[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u0080-\\uffff]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u0080-\\uffff]+)*")) {
            return address;
        }
        return "\"" + local.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" + domain;
    }

    /**
     * The ORCPT value (smtp_proto.c): the client's own ORCPT when it gave one, else the original
     * recipient, as "rfc822;" xtext, or as "utf-8;" uxtext (RFC 6533) for a UTF-8 address of a message
     * that asked for SMTPUTF8.
     */
    static String orcpt(DeliverRequest req, DeliverRequest.Recipient r) {
        String typeAddr = r.dsnOrcpt();
        if (typeAddr.isEmpty()) {
            String orig = r.originalRecipient() == null ? "" : r.originalRecipient();
            if (orig.isEmpty()) return "";
            boolean utf8 = (req.sendopts() & (DeliverRequest.SMTPUTF8_REQUESTED | DeliverRequest.SMTPUTF8_DERIVED)) != 0
                    && !orig.chars().allMatch(c -> c < 0x80);
            typeAddr = (utf8 ? "utf-8;" : "rfc822;") + quote(orig);
        }
        int semi = typeAddr.indexOf(';');
        String type = typeAddr.substring(0, semi + 1);
        String addr = typeAddr.substring(semi + 1);
        return type.equalsIgnoreCase("utf-8;") ? type + uxtext(addr) : type + xtext(addr);
    }

    /** The NOTIFY keywords for the bits (dsn_mask.c): NEVER alone, else SUCCESS, FAILURE, DELAY in that order. */
    static String notify(int bits) {
        if ((bits & 1) != 0) return "NEVER";
        List<String> w = new ArrayList<>();
        if ((bits & 2) != 0) w.add("SUCCESS");
        if ((bits & 4) != 0) w.add("FAILURE");
        if ((bits & 8) != 0) w.add("DELAY");
        return String.join(",", w);
    }

    /** RFC 6533 utf-8-addr-xtext: UTF-8 stays, '+', '=', '\\', controls and space as \\x{HH}. */
    static String uxtext(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c < 0x21 || c == 0x7f || c == '+' || c == '=' || c == '\\') b.append("\\x{").append(String.format("%02X", c)).append('}');
            else b.appendCodePoint(c);
        });
        return b.toString();
    }

    /** RFC 3461 xtext: '+', '=', and octets outside '!'..'~' as +XX. */
    static String xtext(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c < 33 || c > 126 || c == '+' || c == '=') b.append('+').append(String.format("%02X", c));
            else b.append((char) c);
        }
        return b.toString();
    }

    /** The content with CRLF line ends, dot-stuffed, long lines broken with CRLF SPACE (smtp_line_length_limit). */
    private void content(Message msg, boolean downgrade) throws IOException {
        int limit = cfg.lineLengthLimit();
        OutputStream out = s.out();
        org.postroom.global.record.QueueFile.LineSink wire = (data, off, len) -> {
            if (len > 0 && data[off] == '.') out.write('.');
            int pos = off;
            int end = off + len;
            while (limit > 0 && end - pos > limit) {
                out.write(data, pos, limit);
                out.write(CRLF_SP);
                pos += limit;
            }
            out.write(data, pos, end - pos);
            out.write(CRLF);
        };
        if (downgrade) {
            MimeDowngrade d = new MimeDowngrade(wire);
            msg.forEachLine(d);
            d.finish();
        } else {
            msg.forEachLine(wire);
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CRLF_SP = {'\r', '\n', ' '};
}
