package org.postroom.smtp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.table.Table;
import org.postroom.global.table.TableException;
import org.postroom.global.table.Tables;

/**
 * The SASL client (smtp_sasl_glue.c, smtp_sasl_proto.c), built in: CRAM-MD5, PLAIN and LOGIN, in that
 * order of preference (as Cyrus picks them), filtered by smtp_sasl_mechanism_filter and by the
 * security options of the connection (smtp_sasl_security_options in plaintext,
 * smtp_sasl_tls_security_options over TLS: "noplaintext" rules out PLAIN and LOGIN, "noanonymous"
 * ANONYMOUS). Credentials come from smtp_sasl_password_maps as "username:password" (split at the first
 * colon), looked up by the sender (with smtp_sender_dependent_authentication: user@domain, then
 * @domain), then the remote host name, then the next hop exactly as given.
 */
final class SmtpSasl {
    /** The SASL parameters, read once. */
    record Settings(boolean enabled, List<String> passwordMaps, boolean senderDependent, Set<String> plainOptions,
                    Set<String> tlsOptions, List<String> mechanismFilter, boolean softBounce, String where) {
        static Settings from(MainCf cfg, SmtpConfig.Reader r) {
            boolean on = r.get(Params.SMTP_SASL_AUTH_ENABLE);
            List<String> maps = r.get(Params.SMTP_SASL_PASSWORD_MAPS);
            if (on && maps.isEmpty()) {
                throw new ConfigException(r.where(Params.SMTP_SASL_PASSWORD_MAPS)
                        + ": specify a password table via the '" + r.name(Params.SMTP_SASL_PASSWORD_MAPS) + "' configuration parameter");
            }
            return new Settings(on, maps, r.get(Params.SMTP_SENDER_DEPENDENT_AUTHENTICATION),
                    lower(r.get(Params.SMTP_SASL_SECURITY_OPTIONS)), lower(r.get(Params.SMTP_SASL_TLS_SECURITY_OPTIONS)),
                    r.get(Params.SMTP_SASL_MECHANISM_FILTER).stream().map(m -> m.toUpperCase(Locale.ROOT)).toList(),
                    r.get(Params.SMTP_SASL_AUTH_SOFT_BOUNCE), r.name(Params.SMTP_SASL_PASSWORD_MAPS));
        }

        private static Set<String> lower(List<String> l) {
            return l.stream().map(x -> x.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        }
    }

    /** A user name and password for one server. */
    record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[" + user + "]"; // never the password
        }
    }

    private static final List<String> MECHANISMS = List.of("CRAM-MD5", "PLAIN", "LOGIN");

    private final Settings s;
    private final List<Table> tables = new ArrayList<>();

    SmtpSasl(Settings s) {
        this.s = s;
        if (!s.enabled()) return;
        for (String spec : s.passwordMaps()) {
            try {
                tables.add(Tables.open(spec));
            } catch (TableException e) {
                throw new ConfigException(s.where() + ": " + spec + ": " + e.getMessage());
            }
        }
    }

    boolean enabled() {
        return s.enabled();
    }

    boolean softBounce() {
        return s.softBounce();
    }

    /** smtp_sasl_passwd_lookup: the credentials for this server, or empty (then the session goes on without AUTH). */
    Optional<Credentials> lookup(String sender, String remoteHost, String destination) throws TableException {
        if (!s.enabled()) return Optional.empty();
        List<String> keys = new ArrayList<>();
        if (s.senderDependent() && !sender.isEmpty()) {
            keys.add(sender);
            int at = sender.lastIndexOf('@');
            if (at >= 0) keys.add(sender.substring(at));
        }
        keys.add(remoteHost);
        keys.add(destination);
        for (String k : keys) {
            for (Table t : tables) {
                Optional<String> v = t.lookup(k);
                if (v.isPresent()) {
                    String val = v.get();
                    int colon = val.indexOf(':');
                    return Optional.of(colon < 0 ? new Credentials(val, "") : new Credentials(val.substring(0, colon), val.substring(colon + 1)));
                }
            }
        }
        return Optional.empty();
    }

    /** The mechanism to use among the server's, for a plaintext or TLS session; empty when none fits. */
    Optional<String> choose(List<String> offered, boolean tls) {
        Set<String> opts = tls ? s.tlsOptions() : s.plainOptions();
        for (String m : MECHANISMS) {
            if (!offered.contains(m)) continue;
            if (!s.mechanismFilter().isEmpty() && !s.mechanismFilter().contains(m)) continue;
            if (opts.contains("noplaintext") && (m.equals("PLAIN") || m.equals("LOGIN"))) continue;
            return Optional.of(m);
        }
        return Optional.empty();
    }

    /** One SASL client exchange: the initial response (null: none) and the answers to the server's challenges. */
    static final class Exchange {
        private final String mechanism;
        private final Credentials c;
        private int step;

        Exchange(String mechanism, Credentials c) {
            this.mechanism = mechanism;
            this.c = c;
        }

        /** The base64 initial response sent on the AUTH line, or null. */
        String initial() {
            if (mechanism.equals("PLAIN")) {
                step = 1;
                return b64("\0" + c.user() + "\0" + c.password());
            }
            return null;
        }

        /** The base64 answer to a 334 challenge (base64 text), or null when the exchange has nothing more to say. */
        String respond(String challenge) throws GeneralSecurityException {
            step++;
            byte[] ch;
            try {
                ch = Base64.getDecoder().decode(challenge.strip());
            } catch (IllegalArgumentException e) {
                throw new GeneralSecurityException("malformed challenge");
            }
            switch (mechanism) {
                case "LOGIN" -> {
                    if (step == 1) return b64(c.user());
                    if (step == 2) return b64(c.password());
                    return null;
                }
                case "CRAM-MD5" -> {
                    if (step > 1) return null;
                    Mac mac = Mac.getInstance("HmacMD5");
                    mac.init(new SecretKeySpec(c.password().getBytes(StandardCharsets.UTF_8), "HmacMD5"));
                    return b64(c.user() + " " + HexFormat.of().formatHex(mac.doFinal(ch)));
                }
                default -> {
                    // PLAIN: the response, once, to the server that did not take it on the AUTH line
                    return step <= 2 ? b64("\0" + c.user() + "\0" + c.password()) : null;
                }
            }
        }

        private static String b64(String s) {
            return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}
