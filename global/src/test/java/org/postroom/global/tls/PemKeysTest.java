package org.postroom.global.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEM certificates and keys as OpenSSL writes them (the files admins have): RSA keys in PKCS#1 and
 * PKCS#8, EC keys with their "EC PARAMETERS" block, a chain file with the key first, and the errors for
 * a missing file, a key that is not the certificate's, and an encrypted key.
 */
class PemKeysTest {
    @TempDir
    Path dir;

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }

    private static boolean haveOpenssl() {
        try {
            return new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private void cert(String key, String cert, String cn) throws Exception {
        openssl("req", "-x509", "-new", "-key", key, "-out", cert, "-subj", "/CN=" + cn, "-days", "2");
    }

    @Test
    void rsaPkcs1AndPkcs8EcWithParametersAndChainFiles() throws Exception {
        assumeTrue(haveOpenssl(), "needs openssl");
        openssl("genrsa", "-traditional", "-out", "rsa1.key", "2048");
        cert("rsa1.key", "rsa.pem", "rsa.example");
        assertTrue(Files.readString(dir.resolve("rsa1.key")).contains("BEGIN RSA PRIVATE KEY"));
        PemKeys.Pair rsa = PemKeys.certAndKey(dir.resolve("rsa.pem"), dir.resolve("rsa1.key"));
        assertEquals("RSA", rsa.algorithm());
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "rsa1.key", "-out", "rsa8.key");
        assertEquals("RSA", PemKeys.certAndKey(dir.resolve("rsa.pem"), dir.resolve("rsa8.key")).algorithm());

        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "ec.key");
        assertTrue(Files.readString(dir.resolve("ec.key")).contains("BEGIN EC PARAMETERS"));
        cert("ec.key", "ec.pem", "ec.example");
        // a chain file: the key first, then the certificate
        Files.writeString(dir.resolve("ec-chain.pem"), Files.readString(dir.resolve("ec.key")) + Files.readString(dir.resolve("ec.pem")));
        PemKeys.Pair ec = PemKeys.chainFile(dir.resolve("ec-chain.pem"));
        assertEquals("EC", ec.algorithm());
        // one file holding certificate and key serves as both
        Files.writeString(dir.resolve("both.pem"), Files.readString(dir.resolve("rsa.pem")) + Files.readString(dir.resolve("rsa1.key")));
        assertEquals(1, PemKeys.certAndKey(dir.resolve("both.pem"), dir.resolve("both.pem")).chain().size());

        X509KeyManager km = (X509KeyManager) PemKeys.keyManagers(List.of(rsa, ec))[0];
        assertEquals(1, km.getServerAliases("RSA", null).length);
        assertEquals(1, km.getServerAliases("EC", null).length);
    }

    @Test
    void errorsNameTheFile() throws Exception {
        assumeTrue(haveOpenssl(), "needs openssl");
        IOException e = assertThrows(IOException.class, () -> PemKeys.certAndKey(dir.resolve("none.pem"), dir.resolve("none.pem")));
        assertEquals("cannot open file \"" + dir.resolve("none.pem") + "\": No such file or directory", e.getMessage());
        openssl("genrsa", "-out", "a.key", "2048");
        openssl("genrsa", "-out", "b.key", "2048");
        cert("a.key", "a.pem", "a.example");
        e = assertThrows(IOException.class, () -> PemKeys.certAndKey(dir.resolve("a.pem"), dir.resolve("b.key")));
        assertEquals("key in file \"" + dir.resolve("b.key") + "\" does not match the certificate", e.getMessage());
        openssl("pkcs8", "-topk8", "-in", "a.key", "-out", "enc.key", "-passout", "pass:secret");
        e = assertThrows(IOException.class, () -> PemKeys.certAndKey(dir.resolve("a.pem"), dir.resolve("enc.key")));
        assertTrue(e.getMessage().contains("encrypted keys are not supported"), e.getMessage());
        e = assertThrows(IOException.class, () -> PemKeys.certAndKey(dir.resolve("a.key"), dir.resolve("a.key")));
        assertEquals("no certificate in file \"" + dir.resolve("a.key") + "\"", e.getMessage());
        Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n");
        e = assertThrows(IOException.class, () -> PemKeys.certAndKey(dir.resolve("garbage.pem"), dir.resolve("a.key")));
        assertTrue(e.getMessage().startsWith("cannot read file \"" + dir.resolve("garbage.pem") + "\""), e.getMessage());
    }
}
