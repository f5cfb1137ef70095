package org.postroom.smtpd;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.postroom.global.mail.MailDate;

/**
 * The Received: header smtpd puts first in the content (smtpd.c data_cmd), one string per header line:
 * {@code from <helo> (<name> [<addr>])}, then {@code by <myhostname> (<mail_name>) with <proto> id <ID>}
 * and {@code for <rcpt>; <date>} when there is exactly one recipient; otherwise the by-line ends in ';'
 * and the date has a line of its own.
 */
final class ReceivedHeader {
    private ReceivedHeader() {}

    static List<String> lines(String heloOrName, ClientInfo client, String myhostname, String mailName,
                              String protocol, String queueId, Optional<String> onlyRecipient, ZonedDateTime when) {
        return lines(heloOrName, client, List.of(), myhostname, mailName, protocol, queueId, onlyRecipient, when);
    }

    /** With comment lines after the first (the TLS lines of smtpd_tls_received_header, the SASL line). */
    static List<String> lines(String heloOrName, ClientInfo client, List<String> comments, String myhostname, String mailName,
                              String protocol, String queueId, Optional<String> onlyRecipient, ZonedDateTime when) {
        List<String> out = new java.util.ArrayList<>();
        out.add("Received: from " + heloOrName + " (" + client.name() + " [" + client.literal() + "])");
        out.addAll(comments);
        String by = "\tby " + myhostname + " (" + mailName + ") with " + protocol + " id " + queueId;
        if (onlyRecipient.isPresent()) {
            out.add(by);
            out.add("\tfor <" + quoteLocal(onlyRecipient.get()) + ">; " + MailDate.format(when));
        } else {
            out.add(by + ";");
            out.add("\t" + MailDate.format(when));
        }
        return List.copyOf(out);
    }

    /**
     * smtpd_hide_client_session = yes: no "from" line, no comments and no protocol, only
     * {@code Received: by <myhostname> (<mail_name>) id <ID>} and the for/date part (smtpd.c).
     */
    static List<String> hidden(String myhostname, String mailName, String queueId, Optional<String> onlyRecipient, ZonedDateTime when) {
        String by = "Received: by " + myhostname + " (" + mailName + ") id " + queueId;
        if (onlyRecipient.isPresent()) return List.of(by, "\tfor <" + quoteLocal(onlyRecipient.get()) + ">; " + MailDate.format(when));
        return List.of(by + ";", "\t" + MailDate.format(when));
    }

    /**
     * The TLS comment of smtpd_tls_received_header (smtpd.c): the protocol and cipher, then the client
     * certificate line. Postroom has no key-exchange details to add (the JDK does not expose them); this
     * is the layout Postfix uses when its TLS library gives none.
     */
    static List<String> tlsComment(TlsInfo tls) {
        return List.of("\t(using " + tls.summary() + ")", "\t(No client certificate requested)");
    }

    /** comment_sanitize(): text fit for a header comment (no parentheses out of balance, no backslash games). */
    static String comment(String text) {
        StringBuilder b = new StringBuilder();
        int depth = 0;
        for (char c : org.postroom.util.Printable.sanitize(text).toCharArray()) {
            if (c == '(') depth++;
            if (c == ')' && depth == 0) continue;
            if (c == ')') depth--;
            if (c == '\\') continue;
            b.append(c);
        }
        b.append(")".repeat(depth));
        return b.toString();
    }

    /** quote_822_local: the local part in quotes when it is not a dot-atom. */
    static String quoteLocal(String address) {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? "" : address.substring(at);
        if (isDotAtom(local)) return address;
        return "\"" + local.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" + domain;
    }

    private static boolean isDotAtom(String s) {
        if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean atext = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
                    || "!#$%&'*+-/=?^_`{|}~.".indexOf(c) >= 0;
            if (!atext) return false;
        }
        return true;
    }
}
