package org.postroom.tools.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.config.MainCf;
import org.postroom.global.tls.PemKeys;

/**
 * postfix tls: new-server-key writes a key (0600) and a self-signed certificate with postfix-tls-script's
 * names and extensions, and OpenSSL reads both; enable-server deploys them with the three settings when
 * the server TLS settings are at their defaults and changes nothing otherwise; deploy-server-cert refuses
 * a key that belongs to another certificate.
 */
class PostfixTlsTest {
    @TempDir
    Path dir;

    private record Run(int status, String err) {}

    private Run run(String... args) throws Exception {
        MainCf cfg = MainCf.load(dir, Map.of(), w -> {});
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = new PostfixTls(cfg, dir, new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(args));
        return new Run(rc, err.toString(StandardCharsets.UTF_8));
    }

    private List<Path> files(String prefix) throws Exception {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    @Test
    void newServerKeyMakesAKeyAndASelfSignedCertificate() throws Exception {
        Files.writeString(dir.resolve("main.cf"), "myhostname = mx.example.net\n");
        Run r = run("new-server-key", "-a", "ecdsa");
        assertEquals(0, r.status(), r.err());
        Path key = files("eckey-").get(0);
        Path cert = files("eccert-").get(0);
        assertTrue(key.getFileName().toString().matches("eckey-\\d{8}-\\d{6}\\.pem"), key.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(r.err().contains("postfix/postfix-tls-script:   # postfix tls deploy-server-cert " + cert + " " + key), r.err());
        X509Certificate c = PemKeys.certAndKey(cert, key).chain().get(0);
        assertEquals("CN=mx.example.net", c.getSubjectX500Principal().getName());
        assertEquals(c.getSubjectX500Principal(), c.getIssuerX500Principal());
        assertEquals(List.of(List.of(2, "mx.example.net")), c.getSubjectAlternativeNames().stream().map(List::copyOf).toList());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), c.getExtendedKeyUsage());
        assertEquals(-1, c.getBasicConstraints());
        assertTrue(c.getNotAfter().getTime() - c.getNotBefore().getTime() >= 36525L * 86400_000L);
        c.verify(c.getPublicKey());
        // main.cf is untouched
        assertEquals("myhostname = mx.example.net\n", Files.readString(dir.resolve("main.cf")));
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl for the cross-check");
        Process p = new ProcessBuilder("openssl", "x509", "-in", cert.toString(), "-noout", "-text").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, text);
        assertTrue(text.contains("DNS:mx.example.net") && text.contains("CA:FALSE") && text.contains("TLS Web Server Authentication"), text);
        p = new ProcessBuilder("openssl", "pkey", "-in", key.toString(), "-noout").redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void enableServerDeploysOnlyWhenTheSettingsAreDefault() throws Exception {
        Files.writeString(dir.resolve("main.cf"), "myhostname = mx.example.net\n");
        Run r = run("enable-server", "mx.example.net", "smtp.example.net");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("Enabled opportunistic TLS in the Postfix SMTP server"), r.err());
        Path key = files("key-").get(0);
        Path cert = files("cert-").get(0);
        MainCf cfg = MainCf.load(dir, Map.of(), w -> {});
        assertEquals(key.toString(), cfg.get("smtpd_tls_key_file"));
        assertEquals(cert.toString(), cfg.get("smtpd_tls_cert_file"));
        assertEquals("may", cfg.get("smtpd_tls_security_level"));
        assertEquals("yes", cfg.get("smtpd_tls_received_header"));
        assertEquals("1", cfg.get("smtpd_tls_loglevel"));
        assertEquals("RSA", PemKeys.certAndKey(cert, key).algorithm());
        assertEquals(1, run("all-default-server").status());

        // now the settings are not at their defaults: advice only, nothing written
        String before = Files.readString(dir.resolve("main.cf"));
        r = run("enable-server");
        assertEquals(0, r.status());
        assertTrue(r.err().contains("*** Non-default SMTP server TLS settings detected, no changes made."), r.err());
        assertEquals(before, Files.readString(dir.resolve("main.cf")));
        assertEquals(1, files("key-").size());
    }

    @Test
    void errors() throws Exception {
        Files.writeString(dir.resolve("main.cf"), "myhostname = mx.example.net\n");
        assertEquals(0, run("all-default-server").status());
        Run r = run("new-server-key", "-a", "dsa");
        assertEquals(1, r.status());
        assertEquals("postfix/postfix-tls-script: fatal: Unsupported private key algorithm: dsa\n", r.err());
        r = run("new-server-key", "-b", "1024");
        assertEquals("postfix/postfix-tls-script: fatal: RSA keys need at least 2048 bits: 1024\n", r.err());
        assertEquals(0, run("new-server-key").status());
        assertEquals(0, run("new-server-key", "-a", "ecdsa").status());
        // a key that is not the certificate's
        r = run("deploy-server-cert", files("cert-").get(0).toString(), files("eckey-").get(0).toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("postfix/postfix-tls-script: fatal: "), r.err());
        assertEquals("myhostname = mx.example.net\n", Files.readString(dir.resolve("main.cf")));
        r = run("output-server-tlsa");
        assertEquals("postfix/postfix-tls-script: fatal: postfix tls output-server-tlsa is not implemented in Postroom yet\n", r.err());
    }
}
