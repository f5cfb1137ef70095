package org.postroom.smtp;

import java.net.InetAddress;
import java.nio.file.Path;

/**
 * The server end of one session: a TCP address and port (with the host name it came from), or an
 * LMTP UNIX-domain socket. {@link #namaddr()} is how Postfix names it in a reason text,
 * {@link #relay()} how it names it in the relay= field, and {@link #label()} the endpoint key of the
 * connection cache.
 */
record Endpoint(String hostname, InetAddress address, int port, Path unix) {

    static Endpoint tcp(MxAddress m, int port) {
        return new Endpoint(m.hostname(), m.address(), port, null);
    }

    static Endpoint unix(String myhostname, Path path) {
        return new Endpoint(myhostname, null, 0, path);
    }

    boolean isUnix() {
        return unix != null;
    }

    String namaddr() {
        return isUnix() ? hostname + "[" + unix + "]" : hostname + "[" + address.getHostAddress() + "]";
    }

    String relay() {
        return isUnix() ? namaddr() : namaddr() + ":" + port;
    }

    String label() {
        return isUnix() ? "unix:" + unix : address.getHostAddress() + ":" + port;
    }
}
