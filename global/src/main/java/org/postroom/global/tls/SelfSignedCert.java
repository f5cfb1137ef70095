package org.postroom.global.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A new private key and a self-signed server certificate, as postfix-tls-script's create_key and
 * create_cert make them with openssl: subject and issuer {@code CN=<first host name>}, every host name
 * a DNS subjectAltName, basicConstraints CA:false, a subject key identifier, extendedKeyUsage serverAuth
 * and clientAuth, SHA-256, valid for 36525 days (the "100-year nominal expiration" of postfix-tls(1)).
 * The algorithm is rsa (bits: 2048 by default) or ecdsa (bits: a curve name, secp256r1 by default). The
 * key is written mode 0600 as PKCS#8, the certificate 0644; neither file may exist already.
 */
public final class SelfSignedCert {
    /** What postfix tls new-server-key takes: the algorithm and its size or curve. */
    public record Spec(String algorithm, String bits, List<String> hostnames) {
        public Spec {
            algorithm = algorithm.toLowerCase(Locale.ROOT);
            if (!algorithm.equals("rsa") && !algorithm.equals("ecdsa")) {
                throw new IllegalArgumentException("Unsupported private key algorithm: " + algorithm);
            }
            if (bits == null || bits.isEmpty()) bits = algorithm.equals("rsa") ? "2048" : "secp256r1";
            if (algorithm.equals("rsa") && !bits.matches("\\d{3,5}")) throw new IllegalArgumentException("Invalid RSA key size: " + bits);
            if (algorithm.equals("rsa") && Integer.parseInt(bits) < 2048) throw new IllegalArgumentException("RSA keys need at least 2048 bits: " + bits);
            if (algorithm.equals("ecdsa") && !List.of("secp256r1", "prime256v1", "secp384r1", "secp521r1").contains(bits)) {
                throw new IllegalArgumentException("Unsupported EC curve: " + bits);
            }
            if (hostnames.isEmpty()) throw new IllegalArgumentException("no host name for the certificate");
            for (String h : hostnames) {
                if (!h.matches("[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?")) throw new IllegalArgumentException("Invalid host name: " + h);
            }
            hostnames = List.copyOf(hostnames);
        }

        /** File name prefix, as the script names them: key-/cert- for RSA, eckey-/eccert- for ECDSA. */
        String prefix() {
            return algorithm.equals("rsa") ? "" : "ec";
        }
    }

    /** The two files written. */
    public record Made(Path keyFile, Path certFile, X509Certificate certificate) {}

    private SelfSignedCert() {}

    /** Writes {@code [ec]key-STAMP.pem} and {@code [ec]cert-STAMP.pem} into {@code dir}. */
    public static Made create(Path dir, Spec spec, String stamp) throws IOException {
        Path keyFile = dir.resolve(spec.prefix() + "key-" + stamp + ".pem");
        Path certFile = dir.resolve(spec.prefix() + "cert-" + stamp + ".pem");
        if (Files.exists(certFile)) throw new FileAlreadyExistsException(certFile.toString(), null, "New certificate file already exists");
        if (Files.exists(keyFile)) throw new FileAlreadyExistsException(keyFile.toString(), null, "New key file already exists");
        try {
            KeyPair k = keyPair(spec);
            X509Certificate c = certificate(k, spec);
            write(keyFile, pem(new JcaPKCS8Generator(k.getPrivate(), null)), "rw-------");
            try {
                write(certFile, pem(c), "rw-r--r--");
            } catch (IOException e) {
                Files.deleteIfExists(keyFile);
                throw e;
            }
            return new Made(keyFile, certFile, c);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("error generating self-signed certificate: " + e.getMessage(), e);
        }
    }

    static KeyPair keyPair(Spec spec) throws GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        if (spec.algorithm().equals("rsa")) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(Integer.parseInt(spec.bits()), random);
            return g.generateKeyPair();
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(spec.bits().equals("prime256v1") ? "secp256r1" : spec.bits()), random);
        return g.generateKeyPair();
    }

    static X509Certificate certificate(KeyPair k, Spec spec) throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, spec.hostnames().get(0)).build();
        Instant now = Instant.now();
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(1, serial), Date.from(now),
                Date.from(now.plus(Duration.ofDays(36525))), name, k.getPublic());
        b.addExtension(Extension.basicConstraints, false, new BasicConstraints(false));
        b.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(k.getPublic()));
        b.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(spec.hostnames().stream()
                .map(h -> new GeneralName(GeneralName.dNSName, h)).toArray(GeneralName[]::new)));
        PrivateKey signing = k.getPrivate();
        String alg = spec.algorithm().equals("rsa") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signing)));
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
        return w.toString();
    }

    /** Created with its final mode, never readable by others in between (the script's umask 077). */
    private static void write(Path file, String text, String mode) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }
}
