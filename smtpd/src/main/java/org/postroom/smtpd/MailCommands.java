package org.postroom.smtpd;

import java.io.IOException;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.postroom.global.mail.MailError;

/**
 * MAIL, RCPT, VRFY, DATA and BDAT (smtpd.c mail_cmd, rcpt_cmd, data_cmd, bdat_cmd) on the state of an
 * {@link SmtpSession}. The queue file is opened at the first accepted recipient; the sender, helo and
 * client restrictions are evaluated at RCPT time (smtpd_delay_reject=yes).
 */
final class MailCommands {
    private final SmtpSession s;
    private long chunkSize;
    private boolean chunkLast;
    /** The reply for a BDAT chunk that is read and discarded, or null. */
    private SmtpReply chunkError;

    MailCommands(SmtpSession session) {
        this.s = session;
    }

    void mail(String args) {
        if (s.cfg.heloRequired() && s.helo == null) {
            s.fail(MailError.POLICY, "503 5.5.1 Error: send HELO/EHLO first");
            return;
        }
        if (s.tx != null) {
            s.fail(MailError.PROTOCOL, s.tx.bdat ? "503 5.5.1 Error: MAIL after BDAT" : "503 5.5.1 Error: nested MAIL command");
            return;
        }
        if (args.regionMatches(true, 0, "FROM:", 0, 5)) {
            String over = s.messageRateExceeded();
            if (over != null) {
                s.fail(MailError.POLICY, over);
                return;
            }
        }
        switch (EnvelopeArgs.parse(args, "FROM:", "501 5.5.4 Syntax: MAIL FROM:<address>", "501 5.1.7 Bad sender address syntax")) {
            case Parsed.Bad<EnvelopeArgs>(SmtpReply r) -> s.fail(MailError.PROTOCOL, r);
            case Parsed.Ok<EnvelopeArgs>(EnvelopeArgs a) -> {
                switch (EsmtpParams.mail(a.params(), s.cfg.smtputf8())) {
                    case Parsed.Bad<EsmtpParams.Mail>(SmtpReply r) -> s.fail(MailError.PROTOCOL, r);
                    case Parsed.Ok<EsmtpParams.Mail>(EsmtpParams.Mail p) -> {
                        if (needsUtf8(a.address(), p.smtputf8())) {
                            s.fail("553 5.6.7 Must declare SMTPUTF8 to send unicode address");
                        } else if (s.cfg.messageSizeLimit() > 0 && p.size() > s.cfg.messageSizeLimit()) {
                            s.fail(MailError.POLICY, "552 5.3.4 Message size exceeds fixed limit");
                        } else if (queueFull()) {
                            s.fail(MailError.RESOURCE, "452 4.3.1 Insufficient system storage");
                        } else {
                            s.tx = new Transaction(a.address(), p, s.clock.instant(), s.cfg.messageSizeLimit(), s.log);
                            s.reply("250 2.1.0 Ok");
                        }
                    }
                }
            }
        }
    }

    /** Space for a message_size_limit message, multiplied by 1.5 as in smtpd.c, on top of queue_minfree. */
    private static final double SPACE_MULTF = 1.5;

    /**
     * smtpd_check_queue(): refuses MAIL while the queue file system has queue_minfree bytes or less
     * free, or less than 1.5 times message_size_limit, so that mail already accepted, delivery agents
     * and bounces still find room. Logs the reject (without from=, as Postfix: the sender is not set yet)
     * and Postfix's warning.
     */
    private boolean queueFull() {
        long free = s.sink.freeSpace();
        if (free < 0) return false;
        long limit = Math.max(s.cfg.messageSizeLimit(), 0);
        if (s.cfg.queueMinfree() < free && limit < free / SPACE_MULTF) return false;
        StringBuilder b = new StringBuilder("NOQUEUE: reject: MAIL from ").append(s.client.namaddr())
                .append(": 452 4.3.1 Insufficient system storage; proto=").append(s.protocol);
        if (s.helo != null) b.append(" helo=<").append(s.helo).append('>');
        s.log.info(b.toString());
        s.log.warn("not enough free space in mail queue: " + free + " bytes < 1.5*message size limit");
        return true;
    }

    private boolean needsUtf8(String address, boolean declared) {
        return s.cfg.smtputf8() && !declared && EnvelopeArgs.isUtf8(address);
    }

    void rcpt(String args) {
        Transaction tx = s.tx;
        if (tx == null) {
            s.fail(MailError.PROTOCOL, "503 5.5.1 Error: need MAIL command");
            return;
        }
        if (tx.bdat) {
            s.fail(MailError.PROTOCOL, "503 5.5.1 Error: RCPT after BDAT");
            return;
        }
        if (args.regionMatches(true, 0, "TO:", 0, 3)) {
            String over = s.recipientRateExceeded();
            if (over != null) {
                s.fail(MailError.POLICY, over);
                return;
            }
        }
        String bad = "501 5.1.3 Bad recipient address syntax";
        EnvelopeArgs a;
        EsmtpParams.Rcpt p;
        switch (EnvelopeArgs.parse(args, "TO:", "501 5.5.4 Syntax: RCPT TO:<address>", bad)) {
            case Parsed.Bad<EnvelopeArgs>(SmtpReply r) -> {
                s.fail(MailError.PROTOCOL, r);
                return;
            }
            case Parsed.Ok<EnvelopeArgs>(EnvelopeArgs v) -> a = v;
        }
        if (a.address().isEmpty()) {
            s.fail(MailError.PROTOCOL, bad);
            return;
        }
        if (needsUtf8(a.address(), tx.params.smtputf8())) {
            s.fail("553 5.6.7 Must declare SMTPUTF8 to send unicode address");
            return;
        }
        switch (EsmtpParams.rcpt(a.params())) {
            case Parsed.Bad<EsmtpParams.Rcpt>(SmtpReply r) -> {
                s.fail(MailError.PROTOCOL, r);
                return;
            }
            case Parsed.Ok<EsmtpParams.Rcpt>(EsmtpParams.Rcpt v) -> p = v;
        }
        if (s.cfg.recipientLimit() > 0 && tx.recipients >= s.cfg.recipientLimit()) {
            SmtpReply r = SmtpReply.of("452 4.5.3 Error: too many recipients");
            if (tx.overshoot++ < s.cfg.recipientOvershootLimit()) s.reply(r);
            else s.fail(MailError.POLICY, r);
            return;
        }
        if (refused("RCPT", a.address())) return;
        if (!tx.isOpen()) {
            try {
                tx.open(s.sink, attributes());
            } catch (IOException e) {
                s.log.warn("cannot open a queue file through the cleanup service: " + e.getMessage());
                tx.abort();
                s.fail(MailError.RESOURCE, "451 4.3.0 Error: queue file write error");
                return;
            }
            s.log.info(tx.queueId() + ": client=" + s.client.namaddr() + (s.saslUsername == null ? "" : ", sasl_method=" + s.saslMethod
                    + ", sasl_username=" + s.saslUsername + (tx.params.authSender().isEmpty() ? "" : ", sasl_sender=" + tx.params.authSender())));
        }
        tx.addRecipient(a.address(), p);
        s.reply("250 2.1.5 Ok");
    }

    void vrfy(String args) {
        if (s.cfg.disableVrfy()) {
            s.fail(MailError.POLICY, "502 5.5.1 VRFY command is disabled");
            return;
        }
        String arg = args;
        if (s.cfg.smtputf8() && arg.toUpperCase(Locale.ROOT).endsWith(" SMTPUTF8")) {
            arg = arg.substring(0, arg.length() - 9).strip();
        }
        if (arg.isEmpty()) {
            s.fail(MailError.PROTOCOL, s.cfg.smtputf8() ? "501 5.5.4 Syntax: VRFY address [SMTPUTF8]" : "501 5.5.4 Syntax: VRFY address");
            return;
        }
        Optional<String> address = EnvelopeArgs.address(arg);
        if (address.isEmpty() || address.get().isEmpty()) {
            s.fail(MailError.PROTOCOL, "501 5.1.3 Bad recipient address syntax");
            return;
        }
        if (refused("VRFY", address.get())) return;
        s.reply(new SmtpReply(252, "2.0.0", arg, false));
    }

    /** Runs the restrictions for a recipient; logs and replies when it is refused. */
    private boolean refused(String stage, String recipient) {
        Optional<String> sender = s.tx == null ? Optional.empty() : Optional.of(s.tx.sender);
        Restrictions.Sasl sasl = new Restrictions.Sasl(s.saslCfg.enabled(), s.saslUsername,
                s.saslCfg::owners);
        Restrictions.Query q = new Restrictions.Query(s.client, Optional.ofNullable(s.helo), sender, recipient, sasl);
        Optional<Restrictions.Refusal> refusal = s.cfg.restrictions().checkRecipient(q, s.relay, s.log);
        if (refusal.isEmpty()) return false;
        Optional<SmtpReply> r = refusal.map(Restrictions.Refusal::reply);
        StringBuilder b = new StringBuilder();
        b.append(s.tx == null ? "NOQUEUE" : s.tx.queueId()).append(": reject: ").append(stage).append(" from ")
                .append(s.client.namaddr()).append(": ").append(r.get()).append(';');
        sender.ifPresent(x -> b.append(" from=<").append(x).append('>'));
        b.append(" to=<").append(recipient).append("> proto=").append(protocol());
        if (s.helo != null) b.append(" helo=<").append(s.helo).append('>');
        s.log.info(b.toString());
        s.fail(refusal.get().errorClass(), r.get());
        return true;
    }

    /** The protocol name: SMTP or ESMTP, UTF8SMTP for an SMTPUTF8 transaction. */
    private String protocol() {
        return s.tx != null && s.tx.params.smtputf8() ? s.protocol.replace("ESMTP", "UTF8SMTP") : s.protocol;
    }

    private List<Map.Entry<String, String>> attributes() {
        List<Map.Entry<String, String>> a = new ArrayList<>();
        ClientInfo c = s.client;
        a.add(Map.entry("log_client_name", c.name()));
        a.add(Map.entry("log_client_address", c.address()));
        a.add(Map.entry("log_client_port", c.port()));
        a.add(Map.entry("log_message_origin", c.namaddr()));
        if (s.helo != null) a.add(Map.entry("log_helo_name", s.helo));
        a.add(Map.entry("log_protocol_name", protocol()));
        a.add(Map.entry("client_name", c.name()));
        a.add(Map.entry("client_address", c.address()));
        a.add(Map.entry("client_port", c.port()));
        if (s.helo != null) a.add(Map.entry("helo_name", s.helo));
        a.add(Map.entry("protocol_name", protocol()));
        a.add(Map.entry("rewrite_context", c.localRewrite() ? "local" : "remote"));
        return a;
    }

    private List<String> received() {
        Transaction tx = s.tx;
        List<String> comments = new ArrayList<>();
        if (s.tls != null && s.tlsCfg.receivedHeader()) comments.addAll(ReceivedHeader.tlsComment(s.tls));
        if (s.saslUsername != null && s.saslCfg.authenticatedHeader()) {
            comments.add("\t(Authenticated sender: " + ReceivedHeader.comment(s.saslUsername) + ")");
        }
        // RFC 3848 (ESMTP only): ESMTPS over TLS, ESMTPA after AUTH, ESMTPSA both
        boolean esmtp = s.protocol.equals("ESMTP");
        String with = protocol() + (s.tls != null && esmtp ? "S" : "") + (s.saslUsername != null && esmtp ? "A" : "");
        Optional<String> only = tx.recipients == 1 ? Optional.of(tx.firstRecipient) : Optional.empty();
        ZonedDateTime when = ZonedDateTime.ofInstant(tx.arrival, s.clock.getZone());
        if (s.cfg.hideClientSession()) return ReceivedHeader.hidden(s.cfg.myhostname(), s.cfg.mailName(), tx.queueId(), only, when);
        return ReceivedHeader.lines(s.helo != null ? s.helo : s.client.name(), s.client, comments, s.cfg.myhostname(),
                s.cfg.mailName(), with, tx.queueId(),
                only, when);
    }

    void data(String args) {
        Transaction tx = s.tx;
        if (tx != null && tx.bdat) {
            s.fail(MailError.PROTOCOL, "503 5.5.1 Error: DATA after BDAT");
        } else if (tx == null || tx.recipients == 0) {
            // "no valid recipients" after refused RCPTs is no protocol error (data_cmd)
            s.fail(tx == null ? MailError.PROTOCOL : 0, tx == null ? "503 5.5.1 Error: need RCPT command" : "554 5.5.1 Error: no valid recipients");
        } else if (!args.isEmpty()) {
            s.fail(MailError.PROTOCOL, "501 5.5.4 Syntax: DATA");
        } else {
            tx.startContent(received());
            s.where = SmtpSession.DATA_CONTENT;
            s.phase = Phase.DATA;
            s.reply("354 End data with <CR><LF>.<CR><LF>");
        }
    }

    void content(byte[] bytes, boolean complete) {
        if (!(s.phase instanceof Phase.Data)) throw new IllegalStateException("content outside DATA");
        s.tx.content(bytes, complete, true);
    }

    void endData(boolean bareLf) {
        if (!(s.phase instanceof Phase.Data)) throw new IllegalStateException("end of data outside DATA");
        s.where = "END-OF-MESSAGE";
        if (bareLf) {
            s.tx.abort();
            s.failBareLf();
        } else {
            finish("250 2.0.0 Ok: queued as ");
        }
        s.countContentCommand("data");
        s.tx = null;
        s.phase = Phase.COMMAND;
    }

    private void finish(String okPrefix) {
        SmtpReply r = s.tx.finish(s.cfg.myhostname(), okPrefix);
        if (r.code() == 250) {
            s.forgiveErrors();
            s.reply(r);
        } else {
            s.fail(s.tx.errorClass(), r);
        }
    }

    void bdat(String args) {
        String[] w = args.isEmpty() ? new String[0] : args.split("\\s+");
        boolean syntaxOk = (w.length == 1 || (w.length == 2 && w[1].equalsIgnoreCase("LAST")))
                && w[0].length() <= 18 && w[0].chars().allMatch(c -> c >= '0' && c <= '9');
        if (!syntaxOk) {
            s.log.warn("malformed BDAT command syntax from " + s.client.namaddr() + ": " + SmtpSession.clip(args));
            s.fail(MailError.PROTOCOL, SmtpReply.of("521 5.5.4 Syntax: BDAT count [LAST]").closing());
            return;
        }
        chunkSize = Long.parseLong(w[0]);
        chunkLast = w.length == 2;
        chunkError = null;
        Transaction tx = s.tx;
        long limit = s.cfg.messageSizeLimit();
        if (tx == null || tx.recipients == 0) {
            chunkError = SmtpReply.of(tx == null ? "503 5.5.1 Error: need RCPT command" : "554 5.5.1 Error: no valid recipients");
            if (tx == null) s.error(MailError.PROTOCOL);
        } else if (tx.bdatError != null) {
            chunkError = tx.bdatError;
        } else if (chunkSize == 0 && !chunkLast) {
            chunkError = SmtpReply.of("551 5.7.1 Null BDAT request");
        } else if (limit > 0 && chunkSize > limit - tx.size) {
            chunkError = SmtpReply.of("552 5.3.4 Chunk exceeds message size limit");
            s.error(MailError.POLICY);
            s.log.warn(tx.queueId() + ": queue file size limit exceeded");
            tx.bdatError = chunkError;
            tx.bdat = true;
            tx.abort();
        } else {
            if (!tx.bdat) tx.startContent(received());
            tx.bdat = true;
            tx.size += chunkSize;
        }
        s.where = SmtpSession.BDAT_CONTENT;
        s.phase = new Phase.Chunk(chunkSize);
    }

    void chunk(byte[] data, int off, int len) {
        if (!(s.phase instanceof Phase.Chunk)) throw new IllegalStateException("chunk data outside BDAT");
        if (chunkError == null) s.tx.chunk(data, off, len, s.cfg.lineLengthLimit());
    }

    void endChunk() {
        if (!(s.phase instanceof Phase.Chunk)) throw new IllegalStateException("end of chunk outside BDAT");
        s.where = chunkLast ? "END-OF-MESSAGE" : "BDAT";
        if (chunkError != null) {
            s.fail(chunkError);
            if (chunkLast) s.abortTransaction();
        } else if (!chunkLast) {
            s.reply("250 2.0.0 Ok: " + chunkSize + " bytes");
        } else {
            s.tx.endChunks();
            if (s.tx.chunkBareLf()) s.noteBareLf();
            if (s.tx.chunkBareLf() && s.bareNewline == BareNewline.REJECT) {
                s.tx.abort();
                s.failBareLf();
            } else {
                finish("250 2.0.0 Ok: " + s.tx.size + " bytes queued as ");
            }
            s.tx = null;
        }
        s.countContentCommand("bdat");
        s.phase = Phase.COMMAND;
    }
}
