package org.postroom.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for TLS tests, made with Bouncy Castle: an EC P-256 root, and server
 * certificates it signs for given DNS names (and IP addresses), written as PEM files that both Java
 * and OpenSSL-based peers (aiosmtpd, Dovecot, Postfix) load. Nothing is trusted by the system: a
 * client trusts this CA only through its {@link #caFile()}.
 */
public final class TestCa {
    /** A server certificate and its key, as PEM files. */
    public record Issued(Path certFile, Path keyFile, X509Certificate certificate) {}

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final KeyPair key;
    private final X509Certificate cert;
    private final X500Name name;

    private TestCa(Path dir, KeyPair key, X509Certificate cert, X500Name name) {
        this.dir = dir;
        this.key = key;
        this.cert = cert;
        this.name = name;
    }

    /** A new CA named {@code commonName}, its files in a new directory under {@code parent}. */
    public static TestCa create(Path parent, String commonName) throws IOException {
        try {
            Path dir = Files.createTempDirectory(parent, "ca");
            // readable by the unprivileged users the servers and Postroom's services run as
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            KeyPair key = keyPair();
            X500Name name = new X500Name("CN=" + commonName + ",O=Postroom tests");
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(30))), name, key.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key.getPublic()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(signer(key)));
            TestCa ca = new TestCa(dir, key, cert, name);
            writePem(ca.caFile(), cert);
            return ca;
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("test CA: " + e.getMessage(), e);
        }
    }

    /** The CA certificate as PEM: the smtp_tls_CAfile of a client that trusts this CA. */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    public X509Certificate certificate() {
        return cert;
    }

    /** A server certificate for {@code names}: DNS names, or IP addresses written as digits and dots. */
    public Issued issue(String file, String... names) throws IOException {
        return issue(file, Duration.ofDays(30), names);
    }

    /** A server certificate valid from an hour ago for {@code validity} (negative: already expired). */
    public Issued issue(String file, Duration validity, String... names) throws IOException {
        try {
            KeyPair k = keyPair();
            Instant now = Instant.now();
            Instant notBefore = validity.isNegative() ? now.plus(validity).minus(Duration.ofDays(1)) : now.minus(Duration.ofHours(1));
            Instant notAfter = now.plus(validity);
            X500Name subject = new X500Name("CN=" + names[0]);
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(notBefore), Date.from(notAfter),
                    subject, k.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            List<GeneralName> alt = new ArrayList<>();
            for (String n : names) {
                alt.add(n.matches("[0-9.]+") ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
            }
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(cert));
            X509Certificate c = new JcaX509CertificateConverter().getCertificate(b.build(signer(key)));
            Path certFile = dir.resolve(file + ".pem");
            Path keyFile = dir.resolve(file + ".key");
            writePem(certFile, c);
            writePem(keyFile, k.getPrivate());
            return new Issued(certFile, keyFile, c);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("test CA: " + e.getMessage(), e);
        }
    }

    /** A self-signed server certificate for {@code names}, signed by no CA at all. */
    public static Issued selfSigned(Path parent, String file, String... names) throws IOException {
        TestCa own = create(parent, names[0]);
        Path certFile = own.dir.resolve(file + ".pem");
        Path keyFile = own.dir.resolve(file + ".key");
        writePem(certFile, own.cert);
        writePem(keyFile, own.key.getPrivate());
        return new Issued(certFile, keyFile, own.cert);
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static ContentSigner signer(KeyPair k) throws OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(k.getPrivate());
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static void writePem(Path file, Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            // private keys as PKCS#8 ("BEGIN PRIVATE KEY"), the form every TLS library reads
            pem.writeObject(o instanceof java.security.PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : o);
        }
        Files.writeString(file, w.toString());
        // peers that drop privileges (aiosmtpd as root is fine; Dovecot, Postfix) read these as other users
        file.toFile().setReadable(true, false);
    }
}
