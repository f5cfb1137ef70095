package org.postroom.smtpd;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.postroom.global.log.Msg;
import org.postroom.global.sasl.PasswordScheme;
import org.postroom.global.table.Table;
import org.postroom.global.table.TableException;

/**
 * smtpd_sasl_type = builtin: SASL with no other daemon. Users are looked up in smtpd_sasl_user_maps
 * (any lookup table, pgsql too) as "login" to "{SCHEME}hash" in Dovecot's notation (see
 * {@link PasswordScheme}); PLAIN and LOGIN check the password against any scheme, SCRAM-SHA-256
 * (RFC 7677) needs a {SCRAM-SHA-256} entry and never sees the password. A failed attempt is answered
 * after a pause (Dovecot's auth_failure_delay), so that guessing is slow; unknown users look like wrong
 * passwords, SCRAM included. Only the mechanisms of smtpd_sasl_builtin_mechanisms are offered (PLAIN and
 * LOGIN by default; SCRAM-SHA-256 when the table holds SCRAM entries).
 */
final class BuiltinSasl implements SaslServer {
    static final Duration FAILURE_DELAY = Duration.ofSeconds(1);
    private static final byte[] FAKE_KEY = new byte[32];
    static {
        new SecureRandom().nextBytes(FAKE_KEY);
    }

    /** What builtin can do, in the order offered. */
    static final List<String> MECHANISMS = List.of("PLAIN", "LOGIN", "SCRAM-SHA-256");

    private final List<Table> users;
    private final Set<String> enabled;
    private final Set<String> plainOptions;
    private final Set<String> tlsOptions;
    private final Duration failureDelay;

    BuiltinSasl(List<Table> users, Set<String> enabled, Set<String> plainOptions, Set<String> tlsOptions, Duration failureDelay) {
        this.users = users;
        this.enabled = enabled;
        this.plainOptions = plainOptions;
        this.tlsOptions = tlsOptions;
        this.failureDelay = failureDelay;
    }

    @Override
    public List<String> mechanisms(boolean tls) {
        // the security options as Dovecot's mechanism flags: PLAIN and LOGIN are plaintext; SCRAM gives
        // mutual authentication; none of them forward secrecy
        Set<String> opts = tls ? tlsOptions : plainOptions;
        if (opts.contains("forward_secrecy")) return List.of();
        List<String> out = new ArrayList<>();
        if (!opts.contains("noplaintext") && !opts.contains("mutual_auth")) {
            out.add("PLAIN");
            out.add("LOGIN");
        }
        out.add("SCRAM-SHA-256");
        out.retainAll(enabled); // smtpd_sasl_builtin_mechanisms
        return out;
    }

    @Override
    public SaslExchange start(String mechanism, boolean tls, ClientInfo client) {
        return switch (mechanism) {
            case "PLAIN" -> new Plain();
            case "LOGIN" -> new Login();
            case "SCRAM-SHA-256" -> new Scram();
            default -> throw new IllegalArgumentException(mechanism);
        };
    }

    @Override
    public void close() {
    }

    /** The stored value for {@code login}; a table error is a temporary failure. */
    private Optional<String> lookup(String login) throws TableException {
        for (Table t : users) {
            Optional<String> v = t.lookup(login);
            if (v.isPresent()) return v;
        }
        return Optional.empty();
    }

    private SaslStep check(String login, String password) {
        // a name that is not UTF-8 names no user (and could collide with one spelled with '?'): fail it
        // without a lookup, and log the bad bytes as '?', as Postfix's printable() does
        if (login.indexOf('\uFFFD') >= 0) return fail(login.replace('\uFFFD', '?'));
        Optional<String> stored;
        try {
            stored = lookup(login);
        } catch (TableException e) {
            Msg.warn("smtpd_sasl_user_maps lookup for " + org.postroom.util.Printable.sanitize(login) + ": " + e.getMessage());
            return new SaslStep.TempFailure("Temporary lookup failure");
        }
        boolean ok = false;
        if (stored.isPresent()) {
            try {
                ok = PasswordScheme.verify(stored.get(), password);
            } catch (PasswordScheme.UnusableHash e) {
                Msg.warn("smtpd_sasl_user_maps: user " + org.postroom.util.Printable.sanitize(login) + ": " + e.getMessage());
            }
        }
        return ok ? new SaslStep.Success(login) : fail(login);
    }

    private SaslStep fail(String login) {
        try {
            Thread.sleep(failureDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new SaslStep.Failure("(reason unavailable)", login);
    }

    private static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 4616: [authzid] NUL authcid NUL passwd; an authzid other than the login is refused. */
    private final class Plain implements SaslExchange {
        @Override
        public SaslStep first(String initial) {
            return initial == null ? new SaslStep.Challenge("") : next(initial);
        }

        @Override
        public SaslStep next(String response) {
            String[] f = decode(response).split("\0", -1);
            if (f.length != 3 || f[1].isEmpty()) return fail(null);
            if (!f[0].isEmpty() && !f[0].equals(f[1])) return fail(f[1]);
            return check(f[1], f[2]);
        }
    }

    /** The LOGIN mechanism: "Username:", "Password:" (base64 "VXNlcm5hbWU6", "UGFzc3dvcmQ6"). */
    private final class Login implements SaslExchange {
        private String user;

        @Override
        public SaslStep first(String initial) {
            if (initial == null) return new SaslStep.Challenge(encode("Username:"));
            user = decode(initial);
            return new SaslStep.Challenge(encode("Password:"));
        }

        @Override
        public SaslStep next(String response) {
            if (user == null) {
                user = decode(response);
                return new SaslStep.Challenge(encode("Password:"));
            }
            return check(user, decode(response));
        }
    }

    /** RFC 5802 / 7677 server side, without channel binding. */
    private final class Scram implements SaslExchange {
        private String login;
        private String gs2;
        private String clientFirstBare;
        private String serverFirst;
        private String nonce;
        private PasswordScheme.ScramKeys keys;
        private boolean known;
        private boolean verified;

        @Override
        public SaslStep first(String initial) {
            return initial == null ? new SaslStep.Challenge("") : next(initial);
        }

        @Override
        public SaslStep next(String response) {
            String msg = decode(response);
            if (verified) return msg.isEmpty() ? new SaslStep.Success(login) : fail(login);
            if (clientFirstBare == null) return clientFirst(msg);
            return clientFinal(msg);
        }

        private SaslStep clientFirst(String msg) {
            // gs2-header: "n,," (no channel binding) or "y,,"; an authzid must be the login
            int second = msg.indexOf(',', msg.indexOf(',') + 1);
            if (second < 0 || !(msg.startsWith("n,") || msg.startsWith("y,"))) return fail(null);
            gs2 = msg.substring(0, second + 1);
            clientFirstBare = msg.substring(second + 1);
            String cnonce = null;
            for (String attr : clientFirstBare.split(",")) {
                if (attr.startsWith("n=")) login = attr.substring(2).replace("=2C", ",").replace("=3D", "=");
                if (attr.startsWith("r=")) cnonce = attr.substring(2);
            }
            if (login == null || login.isEmpty() || cnonce == null || cnonce.isEmpty()) return fail(login);
            String authz = gs2.substring(2, gs2.length() - 1);
            if (!authz.isEmpty() && !authz.equals("a=" + login)) return fail(login);
            try {
                Optional<String> stored = lookup(login);
                if (stored.isPresent()) keys = PasswordScheme.scram(stored.get()).orElse(null);
            } catch (TableException e) {
                Msg.warn("smtpd_sasl_user_maps lookup for " + org.postroom.util.Printable.sanitize(login) + ": " + e.getMessage());
                return new SaslStep.TempFailure("Temporary lookup failure");
            } catch (PasswordScheme.UnusableHash e) {
                Msg.warn("smtpd_sasl_user_maps: user " + org.postroom.util.Printable.sanitize(login) + ": " + e.getMessage());
            }
            known = keys != null;
            if (!known) {
                // an unknown user (or one without SCRAM keys) gets a salt of its own, always the same
                byte[] fake = PasswordScheme.hmacSha256(FAKE_KEY, login.getBytes(StandardCharsets.UTF_8));
                keys = new PasswordScheme.ScramKeys(4096, java.util.Arrays.copyOf(fake, 16), new byte[32], new byte[32]);
            }
            byte[] s = new byte[18];
            new SecureRandom().nextBytes(s);
            nonce = cnonce + Base64.getEncoder().encodeToString(s);
            serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(keys.salt()) + ",i=" + keys.iterations();
            return new SaslStep.Challenge(encode(serverFirst));
        }

        private SaslStep clientFinal(String msg) {
            int p = msg.lastIndexOf(",p=");
            if (p < 0) return fail(login);
            String withoutProof = msg.substring(0, p);
            byte[] proof;
            try {
                proof = Base64.getDecoder().decode(msg.substring(p + 3));
            } catch (IllegalArgumentException e) {
                return fail(login);
            }
            String expectC = "c=" + Base64.getEncoder().encodeToString(gs2.getBytes(StandardCharsets.UTF_8));
            if (!withoutProof.startsWith(expectC + ",r=" + nonce) || !known || proof.length != 32) return fail(login);
            byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
            if (!keys.proofValid(authMessage, proof)) return fail(login);
            verified = true;
            String serverFinal = "v=" + Base64.getEncoder().encodeToString(keys.serverSignature(authMessage));
            return new SaslStep.Challenge(encode(serverFinal));
        }
    }
}
