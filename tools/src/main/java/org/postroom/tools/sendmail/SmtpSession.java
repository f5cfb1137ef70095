package org.postroom.tools.sendmail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postroom.global.queue.QueueId;

/**
 * The protocol engine of {@code sendmail -bs}: a minimal SMTP server dialogue with Postfix's reply texts
 * (6.1, 6.2). It does no I/O; {@link StandaloneSmtp} reads commands, writes replies and, after a DATA
 * step, drops the message into maildrop with {@link #envelope()}. Relay and access controls are off,
 * as in Postfix when the command is not run by mail_owner. Handles untrusted input: addresses and
 * parameters are checked before they are used.
 */
final class SmtpSession {
    /** What the I/O loop does after sending a reply. */
    enum Next { READ_COMMAND, READ_DATA, CLOSE }

    /** A reply (one or more lines, without the final CRLF) and the next step. */
    record Step(String reply, Next next) {
        static Step reply(String text) {
            return new Step(text, Next.READ_COMMAND);
        }
    }

    private static final int HARD_ERROR_LIMIT = 20;

    private final String myhostname;
    private final String banner;
    private final long sizeLimit;
    private final int recipientLimit;
    private String sender;
    private String encoding;
    private final List<String> recipients = new ArrayList<>();
    private int rcptAttempts;
    private int errors;

    SmtpSession(String myhostname, String banner, long sizeLimit, int recipientLimit) {
        this.myhostname = myhostname;
        this.banner = banner;
        this.sizeLimit = sizeLimit;
        this.recipientLimit = recipientLimit;
    }

    String greeting() {
        return "220 " + banner;
    }

    Step command(String line) {
        return counted(dispatch(line));
    }

    /** A command line that exceeded line_length_limit (its excess was discarded). */
    Step tooLong() {
        return counted(Step.reply("500 5.5.2 " + myhostname + " Error: command too long"));
    }

    private Step counted(Step s) {
        if (s.reply().charAt(0) >= '4' && ++errors >= HARD_ERROR_LIMIT) {
            return new Step("421 4.7.0 " + myhostname + " Error: too many errors", Next.CLOSE);
        }
        return s;
    }

    private Step dispatch(String line) {
        String t = line.strip();
        int sp = t.indexOf(' ');
        String verb = (sp < 0 ? t : t.substring(0, sp)).toUpperCase(Locale.ROOT);
        String arg = sp < 0 ? "" : t.substring(sp + 1).strip();
        return switch (verb) {
            case "" -> Step.reply("500 5.5.2 Error: bad syntax");
            case "HELO" -> arg.isEmpty() ? Step.reply("501 Syntax: HELO hostname") : helo(false);
            case "EHLO" -> arg.isEmpty() ? Step.reply("501 Syntax: EHLO hostname") : helo(true);
            case "MAIL" -> mail(arg);
            case "RCPT" -> rcpt(arg);
            case "DATA" -> data(arg);
            case "RSET" -> arg.isEmpty() ? reset("250 2.0.0 Ok") : Step.reply("501 5.5.4 Syntax: RSET");
            case "NOOP" -> Step.reply("250 2.0.0 Ok");
            case "VRFY" -> Step.reply("502 5.5.1 VRFY command is disabled");
            case "QUIT" -> new Step("221 2.0.0 Bye", Next.CLOSE);
            default -> Step.reply("500 5.5.2 Error: command not recognized");
        };
    }

    private Step helo(boolean esmtp) {
        reset("");
        if (!esmtp) return Step.reply("250 " + myhostname);
        return Step.reply(String.join("\r\n", "250-" + myhostname, "250-PIPELINING",
                "250-SIZE" + (sizeLimit > 0 ? " " + sizeLimit : ""), "250-ENHANCEDSTATUSCODES", "250 8BITMIME"));
    }

    private Step mail(String arg) {
        if (sender != null) return Step.reply("503 5.5.1 Error: nested MAIL command");
        String[] parts = split(arg, "FROM:");
        if (parts == null) return Step.reply("501 5.5.4 Syntax: MAIL FROM:<address>");
        String addr = address(parts[0]);
        if (addr == null) return Step.reply("501 5.1.7 Bad sender address syntax");
        String enc = null;
        for (String p : parts[1].isEmpty() ? new String[0] : parts[1].split(" +")) {
            String u = p.toUpperCase(Locale.ROOT);
            if (u.startsWith("SIZE=")) {
                String n = p.substring(5);
                if (n.isEmpty() || n.length() > 18 || !n.chars().allMatch(Character::isDigit)) {
                    return Step.reply("501 5.5.4 Bad message size syntax");
                }
                if (sizeLimit > 0 && Long.parseLong(n) > sizeLimit) return Step.reply("552 5.3.4 Message size exceeds fixed limit");
            } else if (u.equals("BODY=8BITMIME")) {
                enc = "8bit";
            } else if (u.equals("BODY=7BIT")) {
                enc = "7bit";
            } else if (u.startsWith("BODY=")) {
                return Step.reply("501 5.5.4 Bad BODY keyword: " + p.substring(5));
            } else {
                return Step.reply("555 5.5.4 Unsupported option: " + p);
            }
        }
        sender = addr;
        encoding = enc;
        return Step.reply("250 2.1.0 Ok");
    }

    private Step rcpt(String arg) {
        if (sender == null) return Step.reply("503 5.5.1 Error: need MAIL command");
        rcptAttempts++;
        String[] parts = split(arg, "TO:");
        if (parts == null) return Step.reply("501 5.5.4 Syntax: RCPT TO:<address>");
        String addr = address(parts[0]);
        if (addr == null || addr.isEmpty()) return Step.reply("501 5.1.3 Bad recipient address syntax");
        if (!parts[1].isEmpty()) return Step.reply("555 5.5.4 Unsupported option: " + parts[1].split(" +")[0]);
        if (recipients.size() >= recipientLimit) return Step.reply("452 4.5.3 Error: too many recipients");
        recipients.add(addr);
        return Step.reply("250 2.1.5 Ok");
    }

    private Step data(String arg) {
        if (!arg.isEmpty()) return Step.reply("501 5.5.4 Syntax: DATA");
        if (recipients.isEmpty()) {
            return Step.reply(sender != null && rcptAttempts > 0 ? "554 5.5.1 Error: no valid recipients"
                    : "503 5.5.1 Error: need RCPT command");
        }
        return new Step("354 End data with <CR><LF>.<CR><LF>", Next.READ_DATA);
    }

    /** The envelope of the transaction that DATA started. */
    Postdrop.Envelope envelope() {
        return new Postdrop.Envelope(sender, null, "local", encoding, null, 0, 0, recipients);
    }

    /** The reply after the message was queued; the transaction ends. */
    String queued(QueueId id) {
        return reset("250 2.0.0 Ok: queued as " + id).reply();
    }

    String tooBig() {
        errors++;
        return reset("552 5.3.4 Error: message file too big").reply();
    }

    String writeError() {
        errors++;
        return reset("451 4.3.0 Error: queue file write error").reply();
    }

    private Step reset(String reply) {
        sender = null;
        encoding = null;
        recipients.clear();
        rcptAttempts = 0;
        return Step.reply(reply);
    }

    /** Splits "FROM:<a> params" into {address part, params}; null when the keyword is missing. */
    private static String[] split(String arg, String keyword) {
        if (!arg.regionMatches(true, 0, keyword, 0, keyword.length())) return null;
        String rest = arg.substring(keyword.length()).stripLeading();
        if (rest.isEmpty()) return null;
        int end;
        if (rest.charAt(0) == '<') {
            boolean quoted = false;
            for (end = 1; end < rest.length(); end++) {
                char c = rest.charAt(end);
                if (c == '"') quoted = !quoted;
                else if (c == '\\') end++;
                else if (c == '>' && !quoted) break;
            }
            if (end >= rest.length()) return null;
            end++;
        } else {
            end = rest.indexOf(' ');
            if (end < 0) end = rest.length();
        }
        return new String[] {rest.substring(0, end), rest.substring(end).strip()};
    }

    /** The internal form of an SMTP path, or null when it is not one address. */
    private static String address(String path) {
        for (int i = 0; i < path.length(); i++) if (path.charAt(i) < ' ' || path.charAt(i) == 0x7f) return null;
        String inner = path.startsWith("<") ? path.substring(1, path.length() - 1) : path;
        if (inner.isEmpty()) return "";
        List<String> a = AddressList.parse("<" + inner + ">");
        return a.size() == 1 && !inner.contains("<") && !inner.contains(">") ? a.get(0) : null;
    }
}
