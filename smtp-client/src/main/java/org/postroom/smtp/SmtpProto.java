package org.postroom.smtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postroom.global.mailbox.Message;
import org.postroom.global.mailbox.Verdict;
import org.postroom.global.proto.deliver.DeliverRequest;

/**
 * One SMTP session with one server (smtp_proto.c): greeting, EHLO (HELO when EHLO is refused), MAIL
 * FROM with SIZE when offered, one RCPT TO per recipient, DATA with the content dot-stuffed, CRLF line
 * ends and long lines broken at smtp_line_length_limit, then QUIT. Replies are classified as Postfix
 * does: 2xx is success, 4xx defers the recipients it concerns, 5xx bounces them. A failure that is
 * the server's or the connection's rather than the recipients' (greeting refused, 421, lost connection
 * or timeout before the recipients were settled) makes {@link Result#nextHost()} true: the caller tries
 * the next address with the recipients that are still open.
 */
final class SmtpProto {
    /** The outcome of a session: one verdict per recipient, in request order (null: still open). */
    record Result(List<Verdict> verdicts, boolean nextHost, String sessionError) {}

    private final SmtpConfig cfg;
    private final Socket socket;
    private final String namaddr;
    private final InputStream in;
    private final OutputStream out;
    private final WriteDeadline deadline;
    private boolean esmtp;
    private boolean sizeOffered;
    private boolean eightBitOffered;

    SmtpProto(SmtpConfig cfg, Socket socket, MxAddress where) throws IOException {
        this.cfg = cfg;
        this.socket = socket;
        this.namaddr = where.namaddr();
        this.in = new BufferedInputStream(socket.getInputStream());
        this.deadline = new WriteDeadline(socket.getOutputStream(), socket, cfg.heloTimeout());
        this.out = new BufferedOutputStream(deadline, 1 << 16);
    }

    Result deliver(DeliverRequest req, Message msg) {
        List<DeliverRequest.Recipient> rcpts = req.recipients();
        List<Verdict> v = new ArrayList<>(java.util.Collections.nCopies(rcpts.size(), (Verdict) null));
        String stage = "initial server greeting";
        try {
            ServerReply r = reply(cfg.heloTimeout());
            if (r.code() / 100 != 2) {
                return session(v, "host " + namaddr + " refused to talk to me: " + r.text(), r, true);
            }
            stage = "EHLO";
            r = command("EHLO " + cfg.heloName(), cfg.heloTimeout());
            if (r.code() / 100 == 2) {
                esmtp = true;
                for (String l : r.lines().subList(1, r.lines().size())) {
                    String kw = l.length() > 4 ? l.substring(4).toUpperCase(Locale.ROOT) : "";
                    if (kw.equals("SIZE") || kw.startsWith("SIZE ")) sizeOffered = true;
                    if (kw.equals("8BITMIME")) eightBitOffered = true;
                }
            } else {
                if (r.code() == 421) return session(v, said(r, "EHLO"), r, true);
                stage = "HELO";
                r = command("HELO " + cfg.heloName(), cfg.heloTimeout());
                if (r.code() / 100 != 2) return session(v, said(r, "HELO"), r, r.code() == 421 || r.code() / 100 == 4);
            }
            stage = "MAIL FROM";
            // the BODY= the client declared to us is passed on when the server offers 8BITMIME
            String mail = "MAIL FROM:<" + req.sender() + ">" + (esmtp && sizeOffered ? " SIZE=" + req.size() : "")
                    + (esmtp && eightBitOffered && req.encoding().equalsIgnoreCase("8bit") ? " BODY=8BITMIME" : "");
            r = command(mail, cfg.mailTimeout());
            if (r.code() / 100 != 2) {
                if (r.code() == 421) return session(v, said(r, "MAIL FROM"), r, true);
                Verdict all = verdict(r, said(r, "MAIL FROM"));
                for (int i = 0; i < v.size(); i++) v.set(i, all);
                quit();
                return new Result(v, false, null);
            }
            stage = "RCPT TO";
            List<Integer> accepted = new ArrayList<>();
            for (int i = 0; i < rcpts.size(); i++) {
                r = command("RCPT TO:<" + rcpts.get(i).address() + ">", cfg.rcptTimeout());
                if (r.code() / 100 == 2) {
                    accepted.add(i);
                } else if (r.code() == 421) {
                    return session(v, said(r, "RCPT TO"), r, true);
                } else {
                    v.set(i, verdict(r, said(r, "RCPT TO")));
                }
            }
            if (accepted.isEmpty()) {
                quit();
                return new Result(v, false, null);
            }
            stage = "DATA";
            r = command("DATA", cfg.dataInitTimeout());
            if (r.code() != 354) {
                if (r.code() == 421) return session(v, said(r, "DATA"), r, true);
                Verdict all = verdict(r, said(r, "DATA"));
                for (int i : accepted) v.set(i, all);
                quit();
                return new Result(v, false, null);
            }
            stage = "message body";
            socket.setSoTimeout(millis(cfg.dataXferTimeout()));
            deadline.timeout(cfg.dataXferTimeout());
            content(msg);
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            stage = "end of DATA";
            r = reply(cfg.dataDoneTimeout());
            Verdict all = r.code() / 100 == 2 ? Verdict.sent(r.text()) : verdict(r, said(r, "end of DATA"));
            for (int i : accepted) v.set(i, all);
            quit();
            return new Result(v, false, null);
        } catch (SocketTimeoutException e) {
            return lost(v, "conversation with " + namaddr + " timed out while " + while_(stage), stage);
        } catch (ServerReply.Malformed e) {
            return lost(v, "host " + namaddr + " " + e.getMessage() + " (in reply to " + stage + " command)", stage);
        } catch (IOException e) {
            if (deadline.expired()) return lost(v, "conversation with " + namaddr + " timed out while " + while_(stage), stage);
            return lost(v, "lost connection with " + namaddr + " while " + while_(stage), stage);
        }
    }

    private static String while_(String stage) {
        return switch (stage) {
            case "initial server greeting" -> "receiving the initial server greeting";
            case "EHLO", "HELO" -> "performing the " + stage + " handshake";
            case "DATA" -> "sending DATA command";
            case "end of DATA" -> "sending end of data -- message may be sent more than once";
            default -> "sending " + stage;
        };
    }

    /** A failure of the session before the recipients were settled: the open ones go to the next host. */
    private Result session(List<Verdict> v, String text, ServerReply r, boolean nextHost) {
        quit();
        Verdict f = r.code() / 100 == 5 && !nextHost ? Verdict.bounce(r.dsn(), text) : Verdict.defer(fourOf(r.dsn()), text);
        for (int i = 0; i < v.size(); i++) if (v.get(i) == null) v.set(i, f);
        return new Result(v, nextHost, text);
    }

    /** The connection failed: the open recipients are deferred, or tried at the next host unless the
     *  data may already have been taken (after the final dot, a retry could deliver twice now). */
    private Result lost(List<Verdict> v, String text, String stage) {
        Verdict f = Verdict.defer("4.4.2", text);
        for (int i = 0; i < v.size(); i++) if (v.get(i) == null) v.set(i, f);
        return new Result(v, !stage.equals("end of DATA") && !stage.equals("message body"), text);
    }

    private static String fourOf(String dsn) {
        return "4" + dsn.substring(1);
    }

    private String said(ServerReply r, String command) {
        return "host " + namaddr + " said: " + r.text() + " (in reply to " + command + " command)";
    }

    private static Verdict verdict(ServerReply r, String text) {
        return r.code() / 100 == 5 ? Verdict.bounce(r.dsn(), text) : Verdict.defer(r.dsn(), text);
    }

    private ServerReply command(String line, Duration timeout) throws IOException {
        deadline.timeout(timeout);
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply(timeout);
    }

    private ServerReply reply(Duration timeout) throws IOException {
        socket.setSoTimeout(millis(timeout));
        return ServerReply.read(in);
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    private void quit() {
        try {
            command("QUIT", cfg.quitTimeout());
        } catch (IOException e) {
            // the server may hang up without a reply; nothing depends on it
        }
    }

    /** The content with CRLF line ends, dot-stuffed, long lines broken with CRLF SPACE (smtp_line_length_limit). */
    private void content(Message msg) throws IOException {
        int limit = cfg.lineLengthLimit();
        msg.forEachLine((data, off, len) -> {
            if (len > 0 && data[off] == '.') out.write('.');
            int pos = off;
            int end = off + len;
            while (limit > 0 && end - pos > limit) {
                out.write(data, pos, limit);
                out.write(new byte[] {'\r', '\n', ' '});
                pos += limit;
            }
            out.write(data, pos, end - pos);
            out.write('\r');
            out.write('\n');
        });
    }
}
