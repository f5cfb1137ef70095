package org.postroom.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.table.Table;
import org.postroom.global.table.TableException;
import org.postroom.global.table.Tables;
import org.postroom.global.tls.TlsProtocols;

/**
 * The STARTTLS client (tls_client.c, smtp_tls_policy.c) on JDK TLS. The security level comes from
 * smtp_tls_policy_maps (key: the next hop as given, with [] and :port; then the parent domains of a bare
 * domain as ".parent") or smtp_tls_security_level: none, may, encrypt, verify, secure (dane is
 * treated as may and dane-only as encrypt: there is no DNSSEC-validated TLSA lookup yet). The
 * handshake itself trusts any chain; the chain is then checked against smtp_tls_CAfile/CApath with
 * the JDK's PKIX validator, and the name against the level's match list, so that the outcome can be
 * reported in Postfix's words (Anonymous/Untrusted/Trusted/Verified, "server certificate verification
 * failed for ...: num=..."). TLS 1.2 and 1.3 only by default.
 */
final class SmtpTls {
    enum Level { NONE, MAY, ENCRYPT, VERIFY, SECURE;
        boolean required() {
            return this.compareTo(ENCRYPT) >= 0;
        }
        boolean authenticates() {
            return this.compareTo(VERIFY) >= 0;
        }
    }

    /** The effective policy for one next hop: level, names to match, protocols and SNI. */
    record Policy(Level level, List<String> match, List<String> protocols, String servername) {
        static final Policy NONE = new Policy(Level.NONE, List.of(), List.of(), "");
    }

    /** A finished handshake, and what the peer certificate proved. */
    record Established(String protocol, String cipher, boolean anonymous, boolean trusted, boolean verified) {
        String trustWord() {
            return anonymous ? "Anonymous" : verified ? "Verified" : trusted ? "Trusted" : "Untrusted";
        }
    }

    /** The TLS parameters, read once. */
    record Settings(String level, List<String> policyMaps, String caFile, String caPath, String protocols,
                    String mandatoryProtocols, List<String> verifyMatch, List<String> secureMatch, int loglevel,
                    String servername, boolean wrappermode, boolean connectionReuse, boolean noteStarttlsOffer, String where) {
        static Settings from(MainCf cfg, SmtpConfig.Reader r) {
            String level = r.get(Params.SMTP_TLS_SECURITY_LEVEL).strip().toLowerCase(Locale.ROOT);
            if (!level.isEmpty()) {
                try {
                    SmtpTls.level(level);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(r.where(Params.SMTP_TLS_SECURITY_LEVEL) + ": " + e.getMessage());
                }
            }
            for (String p : List.of(r.get(Params.SMTP_TLS_PROTOCOLS), r.get(Params.SMTP_TLS_MANDATORY_PROTOCOLS))) {
                try {
                    SmtpTls.protocols(p);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(r.where(Params.SMTP_TLS_PROTOCOLS) + ": " + e.getMessage());
                }
            }
            return new Settings(level, r.get(Params.SMTP_TLS_POLICY_MAPS), r.get(Params.SMTP_TLS_CAFILE), r.get(Params.SMTP_TLS_CAPATH),
                    r.get(Params.SMTP_TLS_PROTOCOLS), r.get(Params.SMTP_TLS_MANDATORY_PROTOCOLS), r.get(Params.SMTP_TLS_VERIFY_CERT_MATCH),
                    r.get(Params.SMTP_TLS_SECURE_CERT_MATCH), r.get(Params.SMTP_TLS_LOGLEVEL), r.get(Params.SMTP_TLS_SERVERNAME).strip(),
                    r.get(Params.SMTP_TLS_WRAPPERMODE), r.get(Params.SMTP_TLS_CONNECTION_REUSE), r.get(Params.SMTP_TLS_NOTE_STARTTLS_OFFER),
                    r.name(Params.SMTP_TLS_POLICY_MAPS));
        }
    }

    private final Settings s;
    private final List<Table> policyTables = new ArrayList<>();
    private final SSLContext context;
    private final Set<TrustAnchor> anchors;
    private final Consumer<String> warn;

    SmtpTls(Settings s, Consumer<String> warn) {
        this.s = s;
        this.warn = warn;
        for (String spec : s.policyMaps()) {
            try {
                policyTables.add(Tables.open(spec));
            } catch (TableException e) {
                throw new ConfigException(s.where() + ": " + spec + ": " + e.getMessage());
            }
        }
        this.anchors = anchors(s.caFile(), s.caPath(), warn);
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new X509ExtendedTrustManager[] {new AnyChain()}, new SecureRandom());
            // the JDK's client session cache resumes sessions with the same host and port
            c.getClientSessionContext().setSessionTimeout(3600);
            this.context = c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS engine: " + e.getMessage(), e);
        }
    }

    static Level level(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "none" -> Level.NONE;
            case "may", "dane" -> Level.MAY;
            case "encrypt", "dane-only" -> Level.ENCRYPT;
            case "verify" -> Level.VERIFY;
            case "secure" -> Level.SECURE;
            default -> throw new IllegalArgumentException("unknown TLS security level \"" + name + "\"");
        };
    }

    /** A protocols value as JDK protocol names (TlsProtocols.parse). */
    static List<String> protocols(String spec) {
        return TlsProtocols.parse(spec);
    }

    /**
     * The policy for a next hop. A table entry "level [match=a:b] [protocols=...] [servername=...]"
     * wins over the main.cf level; a bad entry is a TableException with Postfix's reason, which the
     * caller turns into "client TLS configuration problem".
     */
    Policy policy(Nexthop hop, String destination) throws TableException {
        String entry = null;
        for (Table t : policyTables) {
            Optional<String> v = t.lookup(destination);
            if (v.isEmpty() && hop.mxLookup() && !destination.contains(":")) {
                String d = hop.host();
                for (int dot = d.indexOf('.'); dot >= 0 && v.isEmpty(); dot = d.indexOf('.', dot + 1)) v = t.lookup(d.substring(dot));
            }
            if (v.isPresent()) {
                entry = v.get();
                break;
            }
        }
        String levelName = s.level().isEmpty() ? "none" : s.level();
        List<String> match = null;
        String protocols = null;
        String servername = s.servername();
        if (entry != null) {
            String[] w = entry.strip().split("\\s+");
            levelName = w[0];
            for (int i = 1; i < w.length; i++) {
                int eq = w[i].indexOf('=');
                if (eq < 0) throw new TableException("malformed TLS policy attribute \"" + w[i] + "\" for " + destination);
                String k = w[i].substring(0, eq).toLowerCase(Locale.ROOT);
                String val = w[i].substring(eq + 1);
                switch (k) {
                    case "match" -> match = List.of(val.split(":"));
                    case "protocols" -> protocols = val.replace(':', ' ');
                    case "servername" -> servername = val;
                    case "ciphers", "exclude", "tafile", "connection_reuse" -> { }
                    default -> throw new TableException("unknown TLS policy attribute \"" + k + "\" for " + destination);
                }
            }
        }
        Level level;
        try {
            level = level(levelName);
        } catch (IllegalArgumentException e) {
            throw new TableException(e.getMessage() + " for " + destination);
        }
        if (match == null) match = level == Level.SECURE ? s.secureMatch() : level == Level.VERIFY ? s.verifyMatch() : List.of();
        List<String> protos;
        try {
            protos = protocols(protocols != null ? protocols : level.required() ? s.mandatoryProtocols() : s.protocols());
        } catch (IllegalArgumentException e) {
            throw new TableException(e.getMessage() + " for " + destination);
        }
        return new Policy(level, match, protos, servername);
    }

    boolean wrappermode() {
        return s.wrappermode();
    }

    boolean connectionReuse() {
        return s.connectionReuse();
    }

    boolean noteStarttlsOffer() {
        return s.noteStarttlsOffer();
    }

    /** Thrown when the handshake fails; the message is the TLS library's. */
    static final class HandshakeFailure extends IOException {
        HandshakeFailure(String m, Throwable cause) {
            super(m, cause);
        }
    }

    /** Starts TLS over the session's socket and upgrades the session's streams. */
    Established handshake(SmtpSession session, Policy p, String mxHost, String nexthopHost) throws IOException {
        Socket plain = session.socket();
        String host = session.endpoint.address().getHostAddress();
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, session.endpoint.port(), true);
        tls.setUseClientMode(true);
        SSLParameters params = tls.getSSLParameters();
        params.setProtocols(p.protocols().toArray(String[]::new));
        String[] suites = Arrays.stream(params.getCipherSuites()).filter(TlsProtocols::acceptableCipher).toArray(String[]::new);
        params.setCipherSuites(suites);
        String sni = p.servername().equalsIgnoreCase("hostname") ? mxHost : p.servername();
        if (!sni.isEmpty() && !Nexthop.isNumeric(sni)) {
            try {
                params.setServerNames(List.of(new SNIHostName(sni)));
            } catch (IllegalArgumentException e) {
                params.setServerNames(List.of());
            }
        } else {
            params.setServerNames(List.of());
        }
        tls.setSSLParameters(params);
        try {
            tls.startHandshake();
        } catch (IOException e) {
            throw new HandshakeFailure(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        session.upgrade(tls);
        SSLSession ss = tls.getSession();
        Certificate[] chain;
        try {
            chain = ss.getPeerCertificates();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            chain = new Certificate[0];
        }
        boolean anonymous = chain.length == 0;
        String failure = anonymous ? "num=0:no peer certificate" : chainFailure(chain);
        boolean trusted = failure == null;
        boolean verified = false;
        if (trusted && p.level().authenticates()) {
            X509Certificate leaf = (X509Certificate) chain[0];
            verified = nameMatches(leaf, p.match(), mxHost, nexthopHost);
            if (!verified) failure = Nexthop.isNumeric(mxHost) && p.match().contains("hostname") ? "num=64:IP address mismatch" : "num=62:hostname mismatch";
        }
        Established e = new Established(ss.getProtocol(), ss.getCipherSuite(), anonymous, trusted, verified);
        if (failure != null && (p.level().authenticates() || s.loglevel() > 0)) {
            org.postroom.global.log.Msg.info("server certificate verification failed for " + session.endpoint.relay() + ": " + failure);
        }
        if (s.loglevel() >= 1) {
            org.postroom.global.log.Msg.info(e.trustWord() + " TLS connection established to " + session.endpoint.relay() + ": "
                    + TlsProtocols.summary(e.protocol(), e.cipher()));
        }
        return e;
    }

    /** Null when the chain verifies against the configured CAs, else Postfix's "num=N:text" reason. */
    private String chainFailure(Certificate[] chain) {
        X509Certificate leaf = (X509Certificate) chain[0];
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException e) {
            return "num=10:certificate has expired";
        } catch (CertificateNotYetValidException e) {
            return "num=9:certificate is not yet valid";
        }
        if (anchors.isEmpty()) {
            return leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal()) ? "num=18:self-signed certificate"
                    : "num=20:unable to get local issuer certificate";
        }
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<Certificate> path = new ArrayList<>(Arrays.asList(chain));
            // the path handed to the validator stops below a trust anchor
            path.removeIf(c -> anchors.stream().anyMatch(a -> a.getTrustedCert().equals(c)));
            CertPath cp = cf.generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(cp, params);
            return null;
        } catch (CertPathValidatorException e) {
            if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) return "num=10:certificate has expired";
            if (leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) return "num=18:self-signed certificate";
            return "num=20:unable to get local issuer certificate";
        } catch (GeneralSecurityException e) {
            return "num=20:unable to get local issuer certificate";
        }
    }

    /**
     * The name check (tls_verify.c): "hostname" is the MX host name, "nexthop" the next-hop domain,
     * "dot-nexthop" any subdomain of it; other words are literal names, ".domain" matching subdomains.
     * Certificate names are the subjectAltName DNS names (the CN only when there are none), with a
     * leading "*." matching exactly one label.
     */
    static boolean nameMatches(X509Certificate cert, List<String> match, String mxHost, String nexthop) {
        List<String> names = certNames(cert);
        for (String m : match) {
            String want;
            boolean sub = false;
            switch (m.toLowerCase(Locale.ROOT)) {
                case "hostname" -> want = mxHost;
                case "nexthop" -> want = nexthop;
                case "dot-nexthop" -> {
                    want = nexthop;
                    sub = true;
                }
                default -> {
                    want = m.startsWith(".") ? m.substring(1) : m;
                    sub = m.startsWith(".");
                }
            }
            if (want == null || want.isEmpty()) continue;
            want = want.toLowerCase(Locale.ROOT);
            for (String n : names) {
                if (sub ? n.endsWith("." + want) && !n.startsWith("*.") : nameEquals(n, want)) return true;
            }
        }
        return false;
    }

    private static boolean nameEquals(String certName, String want) {
        if (certName.equals(want)) return true;
        if (certName.startsWith("*.")) {
            int dot = want.indexOf('.');
            return dot > 0 && want.substring(dot + 1).equals(certName.substring(2));
        }
        return false;
    }

    static List<String> certNames(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    int type = (Integer) san.get(0);
                    if (type == 2) out.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                    if (type == 7) out.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            // no usable names
        }
        if (out.isEmpty()) {
            String dn = cert.getSubjectX500Principal().getName();
            for (String part : dn.split(",")) {
                if (part.strip().regionMatches(true, 0, "CN=", 0, 3)) out.add(part.strip().substring(3).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private static Set<TrustAnchor> anchors(String caFile, String caPath, Consumer<String> warn) {
        Set<TrustAnchor> out = new HashSet<>();
        List<Path> files = new ArrayList<>();
        if (!caFile.isBlank()) files.add(Path.of(caFile.strip()));
        if (!caPath.isBlank()) {
            try (var st = Files.list(Path.of(caPath.strip()))) {
                st.filter(Files::isRegularFile).sorted().forEach(files::add);
            } catch (IOException e) {
                warn.accept("cannot read smtp_tls_CApath " + caPath + ": " + e.getMessage());
            }
        }
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    out.add(new TrustAnchor((X509Certificate) c, null));
                }
            } catch (java.nio.file.AccessDeniedException e) {
                warn.accept("cannot load Certificate Authority data from " + f + ": Permission denied");
            } catch (java.nio.file.NoSuchFileException e) {
                warn.accept("cannot load Certificate Authority data from " + f + ": No such file or directory");
            } catch (IOException | GeneralSecurityException e) {
                warn.accept("cannot load Certificate Authority data from " + f + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** The handshake trusts every chain: the checks above decide, and report in Postfix's words. */
    private static final class AnyChain extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a) { }
        @Override public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
