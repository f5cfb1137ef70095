package org.postroom.global.ipc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The listening endpoints of a master.cf service (master_listen.c): for inet, one TCP socket per address of
 * the service name ("[host]:port", "host:port" or "port") or, without a host, of inet_interfaces; for unix, the
 * socket queue_directory/{private,public}/NAME, mode 0666 (the directory's mode limits who may connect).
 * master(8) binds them and hands each service its socket; a service started without one binds them itself.
 */
public final class Listeners {
    private Listeners() {}

    /** A malformed service port. */
    public static final class BadPort extends IllegalArgumentException {
        public BadPort(String port) {
            super("unknown service port: " + port);
        }
    }

    /** Binds the endpoints; a Unix socket file left by an earlier run is replaced. */
    public static List<ServerSocketChannel> bind(String type, String serviceName, boolean publicSocket, Path queueDirectory,
                                                 List<String> inetInterfaces) throws IOException {
        List<ServerSocketChannel> out = new ArrayList<>();
        try {
            if (type.equals("inet")) {
                for (InetSocketAddress a : inetAddresses(serviceName, inetInterfaces)) {
                    ServerSocketChannel s = ServerSocketChannel.open();
                    out.add(s);
                    s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    try {
                        s.bind(a, 1024);
                    } catch (IOException e) {
                        throw new IOException("bind " + a.getAddress().getHostAddress() + " port " + a.getPort() + ": " + e.getMessage(), e);
                    }
                }
            } else {
                Path socket = unixPath(serviceName, publicSocket, queueDirectory);
                Files.deleteIfExists(socket);
                ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                out.add(s);
                s.bind(UnixDomainSocketAddress.of(socket), 1024);
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            for (ServerSocketChannel s : out) s.close();
            throw e;
        }
    }

    /** queue_directory/private/NAME or queue_directory/public/NAME. */
    public static Path unixPath(String serviceName, boolean publicSocket, Path queueDirectory) {
        return queueDirectory.resolve((publicSocket ? "public/" : "private/") + serviceName);
    }

    /** The addresses an inet service listens on. */
    public static List<InetSocketAddress> inetAddresses(String serviceName, List<String> inetInterfaces) throws IOException {
        String host = null;
        String port = serviceName;
        int colon = serviceName.lastIndexOf(':');
        if (colon >= 0) {
            host = serviceName.substring(0, colon);
            port = serviceName.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        }
        int p = knownPort(port);
        Set<InetAddress> addrs = new LinkedHashSet<>();
        if (host != null && !host.isEmpty()) {
            addrs.add(InetAddress.getByName(host));
        } else {
            for (String i : inetInterfaces) {
                if (i.equals("all")) addrs.add(InetAddress.getByName("0.0.0.0"));
                else if (i.equals("loopback-only")) addrs.add(InetAddress.getLoopbackAddress());
                else addrs.add(InetAddress.getByName(i.replace("[", "").replace("]", "")));
            }
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetAddress a : addrs) out.add(new InetSocketAddress(a, p));
        return out;
    }

    /** Symbolic ports through known_tcp_ports first (smtp=25, submission=587, smtps=submissions=465). */
    public static int knownPort(String port) {
        return switch (port) {
            case "smtp" -> 25;
            case "submission" -> 587;
            case "smtps", "submissions" -> 465;
            case "lmtp" -> 24;
            default -> {
                try {
                    int n = Integer.parseInt(port);
                    if (n < 0 || n > 65535) throw new BadPort(port);
                    yield n;
                } catch (NumberFormatException e) {
                    throw new BadPort(port);
                }
            }
        };
    }

    /**
     * The file descriptor number of a channel, so that master can hand it to a child as its standard input
     * (System.inheritedChannel()); -1 when the JVM does not let us see it (needs
     * --add-exports java.base/sun.nio.ch=ALL-UNNAMED, which the daemon launcher passes).
     */
    public static int fd(ServerSocketChannel ch) {
        try {
            Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
            if (!selCh.isInstance(ch)) return -1;
            return (int) selCh.getMethod("getFDVal").invoke(ch);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
