package org.postroom.global.mail;

import java.util.ArrayList;
import java.util.List;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;

/**
 * The text of the postmaster notices with an SMTP transcript: smtpd_chat_notify() ("Postfix SMTP server:
 * errors from HOST[ADDR]") and smtp_chat_notify() ("Postfix SMTP client: errors from HOST[ADDR]:PORT").
 * The lines come after the Received: and Date: that post_mail adds; cleanup adds the Message-Id.
 * Everything from the peer goes through {@link Transcript#print}.
 */
public record ErrorNotice(String mailName, String myhostname, String errorRecipient, boolean standardFrom, boolean utf8) {

    public static ErrorNotice from(MainCf cfg) {
        return new ErrorNotice(cfg.get(Params.MAIL_NAME), cfg.get(Params.MYHOSTNAME), cfg.get(Params.ERROR_NOTICE_RECIPIENT),
                cfg.get(Params.HEADER_FROM_FORMAT).equals("standard"), cfg.get(Params.SMTPUTF8_ENABLE));
    }

    /**
     * smtpd_chat_notify(): the session's transcript and, when the session ended abnormally, its reason
     * ("lost connection", "timeout", "too many errors"; null otherwise).
     */
    public List<String> server(String namaddr, List<String> transcript, String reason) {
        List<String> l = header("Subject: " + mailName + " SMTP server: errors from " + namaddr);
        l.add("");
        l.add("Transcript of session follows.");
        l.add("");
        l.addAll(Transcript.print(transcript, utf8));
        l.add("");
        if (reason != null) l.add("Session aborted, reason: " + reason);
        l.add("");
        l.add("For other details, see the local mail logfile");
        return l;
    }

    /** smtp_chat_notify(): {@code protocol} is "SMTP" or "LMTP", {@code namaddrport} "host[addr]:port". */
    public List<String> client(String protocol, String namaddrport, List<String> transcript) {
        List<String> l = header("Subject: " + mailName + " " + protocol + " client: errors from " + namaddrport);
        l.add("");
        l.add("Unexpected response from " + namaddrport + ".");
        l.add("");
        l.add("Transcript of session follows.");
        l.add("");
        l.addAll(Transcript.print(transcript, utf8));
        l.add("");
        l.add("For other details, see the local mail logfile");
        return l;
    }

    private List<String> header(String subject) {
        List<String> l = new ArrayList<>();
        String daemon = "MAILER-DAEMON@" + myhostname;
        if (standardFrom) {
            l.add("From: Mail Delivery System <" + daemon + ">");
            l.add("To: Postmaster <" + errorRecipient + ">");
        } else {
            l.add("From: " + daemon + " (Mail Delivery System)");
            l.add("To: " + errorRecipient + " (Postmaster)");
        }
        l.add(subject);
        return l;
    }
}
