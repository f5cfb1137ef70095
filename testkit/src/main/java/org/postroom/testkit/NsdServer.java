package org.postroom.testkit;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A private nsd (Debian's authoritative DNS server) on 127.0.0.1 and a free high port, serving the
 * given zones, for tests that need real DNS answers: MX, null MX, NXDOMAIN against NODATA, and REFUSED
 * for any zone it does not serve (what a resolver turns into SERVFAIL).
 */
public final class NsdServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;

    private NsdServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/nsd"));
    }

    /** Starts nsd with {@code zones} (zone name to zone file text); returns once it answers. */
    public static NsdServer start(Map<String, String> zones) throws IOException {
        Path dir = Files.createTempDirectory("nsd");
        int port = freePort();
        StringBuilder conf = new StringBuilder("""
                server:
                  ip-address: 127.0.0.1@%1$d
                  username: ""
                  chroot: ""
                  zonesdir: "%2$s"
                  pidfile: "%2$s/nsd.pid"
                  zonelistfile: "%2$s/zone.list"
                  xfrdfile: "%2$s/xfrd.state"
                  xfrdir: "%2$s"
                  database: ""
                  verbosity: 1
                remote-control:
                  control-enable: no
                """.formatted(port, dir));
        for (Map.Entry<String, String> z : zones.entrySet()) {
            Files.writeString(dir.resolve(z.getKey() + ".zone"), z.getValue());
            conf.append("zone:\n  name: ").append(z.getKey()).append("\n  zonefile: ").append(z.getKey()).append(".zone\n");
        }
        Files.writeString(dir.resolve("nsd.conf"), conf);
        Process p = new ProcessBuilder("/usr/sbin/nsd", "-d", "-c", dir.resolve("nsd.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nsd.log").toFile()).start();
        NsdServer s = new NsdServer(dir, port, p);
        try {
            WaitFor.condition("nsd serving on port " + port, Duration.ofSeconds(20), () -> s.log().contains("nsd started") || !p.isAlive());
        } catch (AssertionError e) {
            s.close();
            throw e;
        }
        if (!p.isAlive()) throw new IOException("nsd did not start: " + s.log());
        return s;
    }

    /** A port free for both TCP and UDP on 127.0.0.1. */
    private static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket t = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = t.getLocalPort();
                try (DatagramSocket u = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException e) {
                    // taken for UDP: try another
                }
            }
        }
        throw new IOException("no free port for nsd");
    }

    public int port() {
        return port;
    }

    /** The dns_servers value that points at this server. */
    public String dnsServers() {
        return "[127.0.0.1]:" + port;
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("nsd.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var s = Files.walk(dir)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException e) {
            // a temp directory is left behind
        }
    }
}
