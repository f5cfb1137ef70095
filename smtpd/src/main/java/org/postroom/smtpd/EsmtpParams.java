package org.postroom.smtpd;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The ESMTP parameters of MAIL FROM and RCPT TO (RFC 1652, 1870, 3461, 6531). */
final class EsmtpParams {
    private EsmtpParams() {}

    /** DSN RET values (dsn_ret_code). */
    static final int RET_FULL = 1;
    static final int RET_HDRS = 2;
    /** DSN NOTIFY bits (dsn_mask.h). */
    static final int NOTIFY_NEVER = 1;
    static final int NOTIFY_SUCCESS = 2;
    static final int NOTIFY_FAILURE = 4;
    static final int NOTIFY_DELAY = 8;

    /** MAIL FROM parameters: SIZE= (-1 when absent), BODY= as the encoding ("", "7bit", "8bit"), SMTPUTF8, RET=, ENVID=. */
    record Mail(long size, String encoding, boolean smtputf8, int ret, String envid, String authSender) {
        Mail(long size, String encoding, boolean smtputf8, int ret, String envid) {
            this(size, encoding, smtputf8, ret, envid, "");
        }
    }

    /** RCPT TO parameters: the NOTIFY= bits (0 when absent) and ORCPT= as "type;address" ("" when absent). */
    record Rcpt(int notifyFlags, String orcpt) {}

    static Parsed<Mail> mail(List<String> params, boolean smtputf8Enabled) {
        long size = -1;
        String encoding = "";
        boolean utf8 = false;
        int ret = 0;
        String envid = "";
        String authSender = null;
        for (String p : params) {
            String u = p.toUpperCase(Locale.ROOT);
            if (u.startsWith("AUTH=")) {
                // RFC 4954 section 5: kept as sasl_sender, not decoded or verified (as Postfix, even with SASL off)
                if (authSender != null) return Parsed.bad("503 5.5.4 Error: multiple AUTH= options");
                String v = p.substring(5);
                authSender = v.equals("<>") ? "" : org.postroom.util.Printable.sanitize(v);
            } else if (u.startsWith("SIZE=")) {
                String n = p.substring(5);
                if (n.isEmpty() || n.length() > 18 || !n.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return Parsed.bad("501 5.5.4 Bad message size syntax");
                }
                size = Long.parseLong(n);
            } else if (u.startsWith("BODY=")) {
                switch (u.substring(5)) {
                    case "8BITMIME" -> encoding = "8bit";
                    case "7BIT" -> encoding = "7bit";
                    default -> {
                        return Parsed.bad("501 5.5.4 Unsupported BODY parameter");
                    }
                }
            } else if (u.equals("SMTPUTF8") && smtputf8Enabled) {
                utf8 = true;
            } else if (u.startsWith("RET=")) {
                switch (u.substring(4)) {
                    case "FULL" -> ret = RET_FULL;
                    case "HDRS" -> ret = RET_HDRS;
                    default -> {
                        return Parsed.bad("501 5.5.4 Bad RET parameter syntax");
                    }
                }
            } else if (u.startsWith("ENVID=")) {
                Optional<String> v = EnvelopeArgs.xtext(p.substring(6));
                // Postfix: xtext_unquote() then allprint()
                if (v.isEmpty() || v.get().isEmpty() || v.get().length() > 100 || !printable(v.get())) {
                    return Parsed.bad("501 5.5.4 Bad ENVID parameter syntax");
                }
                envid = v.get();
            } else {
                return Parsed.bad("555 5.5.4 Unsupported option: " + p);
            }
        }
        return Parsed.ok(new Mail(size, encoding, utf8, ret, envid, authSender == null ? "" : authSender));
    }

    static Parsed<Rcpt> rcpt(List<String> params) {
        int notify = 0;
        String orcpt = "";
        for (String p : params) {
            String u = p.toUpperCase(Locale.ROOT);
            if (u.startsWith("NOTIFY=")) {
                notify = notify(u.substring(7));
                if (notify == 0) return Parsed.bad("501 5.5.4 Error: Bad NOTIFY parameter syntax");
            } else if (u.startsWith("ORCPT=")) {
                String v = p.substring(6);
                int semi = v.indexOf(';');
                Optional<String> addr = semi > 0 ? EnvelopeArgs.xtext(v.substring(semi + 1)) : Optional.empty();
                // Postfix leaves control characters to the bounce server; there is none here to sanitise them
                if (addr.isEmpty() || addr.get().isEmpty() || !printable(addr.get()) || !v.substring(0, semi).matches("[A-Za-z0-9-]+")) {
                    return Parsed.bad("501 5.5.4 Error: Bad ORCPT parameter syntax");
                }
                orcpt = v.substring(0, semi).toLowerCase(Locale.ROOT) + ";" + addr.get();
            } else {
                return Parsed.bad("555 5.5.4 Unsupported option: " + p);
            }
        }
        return Parsed.ok(new Rcpt(notify, orcpt));
    }

    /** No control characters (xtext can encode any octet, NUL, CR and LF included). */
    private static boolean printable(String s) {
        return s.chars().noneMatch(c -> EnvelopeArgs.isControl((char) c));
    }

    /** NEVER alone, or a comma list of SUCCESS, FAILURE, DELAY; 0 when the syntax is bad. */
    private static int notify(String v) {
        if (v.equals("NEVER")) return NOTIFY_NEVER;
        int mask = 0;
        for (String k : v.split(",", -1)) {
            int bit = switch (k) {
                case "SUCCESS" -> NOTIFY_SUCCESS;
                case "FAILURE" -> NOTIFY_FAILURE;
                case "DELAY" -> NOTIFY_DELAY;
                default -> 0;
            };
            if (bit == 0) return 0;
            mask |= bit;
        }
        return mask;
    }
}
