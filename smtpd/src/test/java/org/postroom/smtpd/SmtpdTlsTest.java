package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.ipc.IpcChannel;
import org.postroom.testkit.TestCa;

/** smtpd's TLS settings as smtpd.c reads them: levels, the obsolete switches, and broken certificates. */
class SmtpdTlsTest {
    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private SmtpdTls tls(String mainCf) {
        return SmtpdTls.from(MainCf.parse(Path.of("/etc/postroom/main.cf"), mainCf, Map.of(), w -> { }), warnings::add);
    }

    @Test
    void levels() throws Exception {
        TestCa.Issued c = TestCa.create(dir, "CA").issue("mail", "mail.example.com");
        String certs = "smtpd_tls_cert_file = " + c.certFile() + "\nsmtpd_tls_key_file = " + c.keyFile() + "\n";
        assertFalse(tls("").offered());
        assertFalse(tls("smtpd_tls_security_level = none\n" + certs).offered());
        SmtpdTls may = tls("smtpd_tls_security_level = may\n" + certs);
        assertTrue(may.offered());
        assertFalse(may.enforced());
        assertFalse(may.authOnly());
        assertNotNull(may.context());
        assertTrue(List.of(may.parameters().getProtocols()).containsAll(List.of("TLSv1.2", "TLSv1.3")));
        assertFalse(List.of(may.parameters().getProtocols()).contains("TLSv1.1"));
        // the obsolete switches when the level is empty
        assertTrue(tls("smtpd_use_tls = yes\n" + certs).offered());
        assertTrue(tls("smtpd_enforce_tls = yes\n" + certs).enforced());
        SmtpdTls enc = tls("smtpd_tls_security_level = encrypt\n" + certs);
        assertTrue(enc.enforced() && enc.authOnly() && enc.offered());
        SmtpdTls wrapper = tls("smtpd_tls_wrappermode = yes\n" + certs);
        assertTrue(wrapper.wrappermode() && wrapper.enforced());
        assertFalse(wrapper.offered());
        // verify and secure are client levels: a warning, then encrypt
        assertTrue(tls("smtpd_tls_security_level = verify\n" + certs).enforced());
        assertEquals("smtpd_tls_security_level: unsupported TLS level \"verify\", using \"encrypt\"", warnings.getLast());
        ConfigException e = assertThrows(ConfigException.class, () -> tls("smtpd_tls_security_level = maybe\n"));
        assertEquals("/etc/postroom/main.cf:1: Invalid TLS level \"maybe\"", e.getMessage());
        e = assertThrows(ConfigException.class, () -> tls("smtpd_tls_security_level = may\nsmtpd_tls_protocols = TLSv9\n" + certs));
        assertEquals("/etc/postroom/main.cf:2: smtpd_tls_protocols: unknown TLS protocol \"TLSv9\"", e.getMessage());
    }

    @Test
    void aBrokenCertificateDisablesTlsAtMayAndStopsTheServiceWhereTlsIsRequired() throws Exception {
        Path missing = dir.resolve("missing.pem");
        SmtpdTls may = tls("smtpd_tls_security_level = may\nsmtpd_tls_cert_file = " + missing + "\n");
        assertTrue(may.offered());
        assertNull(may.context());
        assertEquals(List.of("cannot get RSA certificate from file \"" + missing + "\": disabling TLS support",
                "TLS library problem: cannot open file \"" + missing + "\": No such file or directory"), warnings);
        ConfigException e = assertThrows(ConfigException.class,
                () -> tls("smtpd_tls_security_level = encrypt\n\nsmtpd_tls_cert_file = " + missing + "\n"));
        assertEquals("/etc/postroom/main.cf:3: smtpd_tls_cert_file: cannot open file \"" + missing + "\": No such file or directory",
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> tls("smtpd_tls_wrappermode = yes\n"));
        assertTrue(e.getMessage().contains("TLS is required (smtpd_tls_wrappermode = yes), but no server certificate is configured"),
                e.getMessage());
        warnings.clear();
        assertNull(tls("smtpd_tls_security_level = may\n").context());
        assertEquals(List.of("No server certs available. TLS won't be enabled"), warnings);
    }

    /**
     * Postfix's SSL_OP_NO_RENEGOTIATION: after a TLS 1.2 handshake through {@link ChannelWire}, a client
     * that asks for another one gets a fatal alert, and the session's next read fails, instead of the
     * server doing the expensive part again on the client's say-so (testssl: "Secure Client-Initiated
     * Renegotiation").
     */
    @Test
    void aClientCannotRenegotiate() throws Exception {
        TestCa ca = TestCa.create(dir, "CA");
        TestCa.Issued c = ca.issue("mail", "mail.example.com");
        SmtpdTls tls = tls("smtpd_tls_security_level = may\nsmtpd_tls_cert_file = " + c.certFile() + "\nsmtpd_tls_key_file = " + c.keyFile() + "\n");
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            CompletableFuture<String> server = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel ch = listener.accept(); IpcChannel ipc = new IpcChannel(ch); ChannelWire w = new ChannelWire(ipc)) {
                    w.startTls(tls, Duration.ofSeconds(10));
                    w.deadline(Duration.ofSeconds(10));
                    int b = w.in().read();
                    return b < 0 ? "end of input" : "read '" + (char) b + "' after the renegotiation";
                } catch (IOException e) {
                    return e.toString();
                }
            });
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    ((InetSocketAddress) listener.getLocalAddress()).getPort())) {
                s.setSoTimeout(10_000);
                s.setEnabledProtocols(new String[] {"TLSv1.2"});
                s.startHandshake();
                s.startHandshake(); // the renegotiation: a new ClientHello
                s.getOutputStream().write('x');
                s.getOutputStream().flush();
                assertThrows(IOException.class, () -> s.getInputStream().read());
            }
            String got = server.get(20, TimeUnit.SECONDS);
            assertTrue(got.contains("Client initiated renegotiation is not allowed"), got);
        }
    }
}
