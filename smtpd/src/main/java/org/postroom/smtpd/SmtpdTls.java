package org.postroom.smtpd;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.tls.PemKeys;
import org.postroom.global.tls.TlsProtocols;

/**
 * smtpd's TLS settings and server engine (smtpd.c's TLS part, tls_server.c), read once at start-up:
 * the security level (none, may, encrypt; empty means smtpd_use_tls/smtpd_enforce_tls), wrapper mode
 * (port 465: TLS at connect, which implies encrypt), the certificates and keys (smtpd_tls_chain_files,
 * else smtpd_tls_cert_file/key_file and smtpd_tls_eccert_file/eckey_file, PEM, RSA or ECDSA), the
 * protocols (TLS 1.2 and 1.3 by default), and what goes into the log and the Received: header. A
 * certificate or key that cannot be loaded disables TLS with Postfix's warning at level may (STARTTLS
 * is still offered and answered with 454, as Postfix does); where TLS is required (encrypt, wrapper
 * mode) it stops the service with the parameter and the file named, since it could accept no mail.
 * A client cannot renegotiate (Postfix's SSL_OP_NO_RENEGOTIATION).
 */
final class SmtpdTls {
    enum Level { NONE, MAY, ENCRYPT }

    static {
        // Postfix turns off TLS renegotiation unconditionally (tls_misc.c, SSL_OP_NO_RENEGOTIATION): a client
        // that asks for handshake after handshake burns the server's CPU, and SMTP has no use for it. JSSE
        // reads this once, at the first server handshake of the JVM, which comes after this class is loaded.
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
    }

    private final Level level;
    private final boolean wrappermode;
    private final boolean authOnly;
    private final boolean receivedHeader;
    private final int loglevel;
    private final Duration starttlsTimeout;
    private final List<String> protocols;
    private final SSLContext context;

    private SmtpdTls(Level level, boolean wrappermode, boolean authOnly, boolean receivedHeader, int loglevel,
                     Duration starttlsTimeout, List<String> protocols, SSLContext context) {
        this.level = level;
        this.wrappermode = wrappermode;
        this.authOnly = authOnly;
        this.receivedHeader = receivedHeader;
        this.loglevel = loglevel;
        this.starttlsTimeout = starttlsTimeout;
        this.protocols = protocols;
        this.context = context;
    }

    /** Settings without reading main.cf or certificates (tests: the dialog's "tls:" line). */
    static SmtpdTls of(Level level, boolean wrappermode, boolean authOnly, boolean receivedHeader, int loglevel, SSLContext context) {
        return new SmtpdTls(wrappermode ? Level.ENCRYPT : level, wrappermode, authOnly || level == Level.ENCRYPT || wrappermode, receivedHeader,
                loglevel, Duration.ofSeconds(300), List.of("TLSv1.2", "TLSv1.3"), context);
    }

    /** No TLS at all (tests, and smtpd_tls_security_level = none). */
    static final SmtpdTls OFF = new SmtpdTls(Level.NONE, false, false, false, 0, Duration.ofSeconds(300), List.of(), null);

    static SmtpdTls from(MainCf cfg, Consumer<String> warn) {
        boolean wrapper = cfg.get(Params.SMTPD_TLS_WRAPPERMODE);
        Level level = level(cfg, warn);
        if (wrapper) level = Level.ENCRYPT;
        String protoParam = level == Level.ENCRYPT ? Params.SMTPD_TLS_MANDATORY_PROTOCOLS.name() : Params.SMTPD_TLS_PROTOCOLS.name();
        List<String> protocols;
        try {
            protocols = TlsProtocols.parse(cfg.get(protoParam));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(cfg.where(protoParam) + ": " + protoParam + ": " + e.getMessage());
        }
        Duration timeout = cfg.get(Params.SMTPD_STARTTLS_TIMEOUT);
        boolean authOnly = cfg.get(Params.SMTPD_TLS_AUTH_ONLY) || level == Level.ENCRYPT;
        if (level == Level.NONE) {
            return new SmtpdTls(level, false, authOnly, false, 0, timeout, protocols, null);
        }
        SSLContext ctx = null;
        try {
            List<PemKeys.Pair> pairs = pairs(cfg);
            if (pairs.isEmpty() && level == Level.ENCRYPT) {
                throw new ConfigException(cfg.where(wrapper ? Params.SMTPD_TLS_WRAPPERMODE.name() : Params.SMTPD_TLS_SECURITY_LEVEL.name())
                        + ": TLS is required"
                        + (wrapper ? " (smtpd_tls_wrappermode = yes)" : "") + ", but no server certificate is configured: set "
                        + "smtpd_tls_chain_files or smtpd_tls_cert_file and smtpd_tls_key_file");
            } else if (pairs.isEmpty()) {
                warn.accept("No server certs available. TLS won't be enabled");
            } else {
                ctx = SSLContext.getInstance("TLS");
                ctx.init(PemKeys.keyManagers(pairs), null, new SecureRandom());
                ctx.getServerSessionContext().setSessionTimeout((int) Math.min(Integer.MAX_VALUE,
                        cfg.get(Params.SMTPD_TLS_SESSION_CACHE_TIMEOUT).toSeconds()));
            }
        } catch (CertificateProblem e) {
            if (level == Level.ENCRYPT) {
                // Postroom: where TLS is required, a service that could only say 454 does not start
                throw new ConfigException(cfg.where(e.parameter) + ": " + e.parameter + ": " + e.getCause().getMessage());
            }
            warn.accept(e.getMessage() + ": disabling TLS support");
            warn.accept("TLS library problem: " + e.getCause().getMessage());
            ctx = null;
        } catch (GeneralSecurityException e) {
            warn.accept("TLS library problem: " + e.getMessage() + ": disabling TLS support");
            ctx = null;
        }
        return new SmtpdTls(level, wrapper, authOnly, cfg.get(Params.SMTPD_TLS_RECEIVED_HEADER),
                cfg.get(Params.SMTPD_TLS_LOGLEVEL), timeout, protocols, ctx);
    }

    private static Level level(MainCf cfg, Consumer<String> warn) {
        String v = cfg.get(Params.SMTPD_TLS_SECURITY_LEVEL).strip().toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            return cfg.get(Params.SMTPD_ENFORCE_TLS) ? Level.ENCRYPT : cfg.get(Params.SMTPD_USE_TLS) ? Level.MAY : Level.NONE;
        }
        return switch (v) {
            case "none" -> Level.NONE;
            case "may" -> Level.MAY;
            case "encrypt" -> Level.ENCRYPT;
            case "verify", "secure", "fingerprint", "dane", "dane-only" -> {
                warn.accept("smtpd_tls_security_level: unsupported TLS level \"" + v + "\", using \"encrypt\"");
                yield Level.ENCRYPT;
            }
            default -> throw new ConfigException(cfg.where(Params.SMTPD_TLS_SECURITY_LEVEL.name()) + ": Invalid TLS level \"" + v + "\"");
        };
    }

    /** A certificate or key that could not be loaded: Postfix's first warning, the cause for the second. */
    private static final class CertificateProblem extends Exception {
        final String parameter;

        CertificateProblem(String message, String parameter, IOException cause) {
            super(message, cause);
            this.parameter = parameter;
        }
    }

    private static List<PemKeys.Pair> pairs(MainCf cfg) throws CertificateProblem {
        List<PemKeys.Pair> out = new ArrayList<>();
        List<String> chains = cfg.get(Params.SMTPD_TLS_CHAIN_FILES);
        if (!chains.isEmpty()) {
            for (String f : chains) {
                try {
                    out.add(PemKeys.chainFile(Path.of(f)));
                } catch (IOException e) {
                    throw new CertificateProblem("cannot load certificate and key data from file \"" + f + "\"",
                            Params.SMTPD_TLS_CHAIN_FILES.name(), e);
                }
            }
            return out;
        }
        String[][] kinds = {
                {"RSA", cfg.get(Params.SMTPD_TLS_CERT_FILE), cfg.get(Params.SMTPD_TLS_KEY_FILE), Params.SMTPD_TLS_CERT_FILE.name()},
                {"ECDSA", cfg.get(Params.SMTPD_TLS_ECCERT_FILE), cfg.get(Params.SMTPD_TLS_ECKEY_FILE), Params.SMTPD_TLS_ECCERT_FILE.name()},
        };
        for (String[] k : kinds) {
            String cert = k[1].strip();
            String key = k[2].strip().isEmpty() ? cert : k[2].strip();
            if (cert.isEmpty()) continue;
            try {
                out.add(PemKeys.certAndKey(Path.of(cert), Path.of(key)));
            } catch (IOException e) {
                throw new CertificateProblem("cannot get " + k[0] + " certificate from file \"" + cert + "\"", k[3], e);
            }
        }
        return out;
    }

    /** STARTTLS is in the EHLO list (levels may and encrypt, not in wrapper mode or once TLS is on). */
    boolean offered() {
        return level != Level.NONE && !wrappermode;
    }

    /** Commands other than EHLO, HELO, STARTTLS, NOOP and QUIT need TLS first. */
    boolean enforced() {
        return level == Level.ENCRYPT;
    }

    boolean wrappermode() {
        return wrappermode;
    }

    /** AUTH only after TLS (smtpd_tls_auth_only, forced when TLS is enforced). */
    boolean authOnly() {
        return authOnly;
    }

    boolean receivedHeader() {
        return receivedHeader;
    }

    int loglevel() {
        return loglevel;
    }

    Duration starttlsTimeout() {
        return starttlsTimeout;
    }

    /** The engine, or null when no certificate could be loaded ("TLS not available due to local problem"). */
    SSLContext context() {
        return context;
    }

    /** The server-side parameters of a handshake: the protocols of this level and no weak cipher. */
    SSLParameters parameters() {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setProtocols(protocols.toArray(String[]::new));
        p.setCipherSuites(Arrays.stream(context.getSupportedSSLParameters().getCipherSuites())
                .filter(TlsProtocols::acceptableCipher).filter(s -> Arrays.asList(p.getCipherSuites()).contains(s)).toArray(String[]::new));
        p.setUseCipherSuitesOrder(true);
        p.setNeedClientAuth(false);
        p.setWantClientAuth(false);
        return p;
    }
}
