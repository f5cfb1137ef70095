package org.postroom.global.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Certificates and private keys from PEM files, as Postfix's tls_certkey.c loads them (with Bouncy
 * Castle, for the key formats the JDK cannot read): a certificate file holds the server certificate
 * first and its chain after it, possibly with the key; a key file holds one unencrypted private key,
 * RSA or EC, as PKCS#1 ("RSA PRIVATE KEY"), SEC1 ("EC PRIVATE KEY") or PKCS#8 ("PRIVATE KEY"). An
 * smtpd_tls_chain_files file holds a key and its chain, in either order. The key must belong to the
 * first certificate. Errors name the file.
 */
public final class PemKeys {
    /** A private key and its certificate chain, leaf first. */
    public record Pair(PrivateKey key, List<X509Certificate> chain) {
        public Pair {
            chain = List.copyOf(chain);
        }

        /** "RSA", "EC", ... */
        public String algorithm() {
            return key.getAlgorithm();
        }
    }

    private PemKeys() {}

    /** The certificate chain of {@code certFile} and the key of {@code keyFile} (which may be the same file). */
    public static Pair certAndKey(Path certFile, Path keyFile) throws IOException {
        Contents certs = read(certFile);
        if (certs.chain.isEmpty()) throw new IOException("no certificate in file \"" + certFile + "\"");
        Contents keys = keyFile.equals(certFile) ? certs : read(keyFile);
        if (keys.keys.isEmpty()) throw new IOException("no private key in file \"" + keyFile + "\"");
        if (keys.keys.size() > 1) throw new IOException("more than one private key in file \"" + keyFile + "\"");
        Pair p = new Pair(keys.keys.getFirst(), certs.chain);
        check(p, keyFile);
        return p;
    }

    /** One smtpd_tls_chain_files file: a private key and its chain. */
    public static Pair chainFile(Path file) throws IOException {
        Contents c = read(file);
        if (c.keys.size() != 1) throw new IOException("file \"" + file + "\" must hold exactly one private key, not " + c.keys.size());
        if (c.chain.isEmpty()) throw new IOException("no certificate in file \"" + file + "\"");
        Pair p = new Pair(c.keys.getFirst(), c.chain);
        check(p, file);
        return p;
    }

    /** Key managers offering each pair; the JDK picks the one whose algorithm the client supports. */
    public static KeyManager[] keyManagers(List<Pair> pairs) throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        char[] pw = new char[0];
        int n = 0;
        for (Pair p : pairs) ks.setKeyEntry(p.algorithm().toLowerCase() + "-" + n++, p.key(), pw, p.chain().toArray(Certificate[]::new));
        // SunX509 takes the keys out of the store once, here; PKIX would fetch (and PBE-decrypt, 10,000
        // PBKDF2 rounds) the key from the PKCS12 store at every handshake, which made a TLS session cost
        // several times what Postfix pays (bench/starttls.sh)
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(ks, pw);
        return kmf.getKeyManagers();
    }

    private record Contents(List<PrivateKey> keys, List<X509Certificate> chain) {}

    private static Contents read(Path file) throws IOException {
        List<Object> objects = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            for (Object o; (o = pem.readObject()) != null; ) objects.add(o);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("cannot open file \"" + file + "\": No such file or directory");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException("cannot open file \"" + file + "\": Permission denied");
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read file \"" + file + "\": " + e.getMessage());
        }
        List<PrivateKey> keys = new ArrayList<>();
        List<X509Certificate> chain = new ArrayList<>();
        JcaPEMKeyConverter kc = new JcaPEMKeyConverter();
        JcaX509CertificateConverter cc = new JcaX509CertificateConverter();
        try {
            for (Object o : objects) {
                switch (o) {
                    case X509CertificateHolder h -> chain.add(cc.getCertificate(h));
                    case PEMKeyPair kp -> keys.add(kc.getKeyPair(kp).getPrivate());
                    case PrivateKeyInfo pki -> keys.add(kc.getPrivateKey(pki));
                    case ASN1ObjectIdentifier curve -> { } // "EC PARAMETERS" before an EC key
                    default -> throw new IOException("unsupported PEM object (" + o.getClass().getSimpleName()
                            + ") in file \"" + file + "\"; encrypted keys are not supported");
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException("cannot read file \"" + file + "\": " + e.getMessage());
        }
        return new Contents(keys, chain);
    }

    /** SSL_CTX_check_private_key(): the key signs what the first certificate's public key verifies. */
    private static void check(Pair p, Path file) throws IOException {
        PublicKey pub = p.chain().getFirst().getPublicKey();
        String alg = switch (p.algorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519" -> "Ed25519";
            default -> null;
        };
        if (alg == null) throw new IOException("unsupported key type " + p.algorithm() + " in file \"" + file + "\"");
        try {
            byte[] probe = "postroom key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(p.key());
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(probe);
            if (!v.verify(sig)) throw new IOException("key in file \"" + file + "\" does not match the certificate");
        } catch (GeneralSecurityException e) {
            throw new IOException("key in file \"" + file + "\" does not match the certificate: " + e.getMessage());
        }
    }
}
