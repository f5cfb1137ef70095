package org.postroom.smtpd;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The SMTP client as smtpd sees it (smtpd_peer.c): name, printable address and port. The name is
 * "localhost" for a loopback address and "unknown" otherwise, since no DNS lookups are made.
 * {@code localRewrite} says whether the client matches local_header_rewrite_clients
 * (permit_inet_interfaces: the client is one of our own addresses), which selects rewrite_context=local.
 */
record ClientInfo(String name, String address, String port, InetAddress inet, boolean localRewrite) {
    static final String UNKNOWN = "unknown";

    static ClientInfo of(InetSocketAddress peer, boolean localRewrite) {
        InetAddress a = peer.getAddress();
        String name = a.isLoopbackAddress() ? "localhost" : UNKNOWN;
        return new ClientInfo(name, printable(a), Integer.toString(peer.getPort()), a, localRewrite);
    }

    /** A client with no network address (a Unix-domain connection). */
    static ClientInfo unknown() {
        return new ClientInfo(UNKNOWN, UNKNOWN, UNKNOWN, null, true);
    }

    /** "name[address]" as in every log line. */
    String namaddr() {
        return name + "[" + address + "]";
    }

    /** The address as written inside [] in a Received: header: "IPv6:2001:db8::1" for IPv6. */
    String literal() {
        return inet instanceof Inet6Address ? "IPv6:" + address : address;
    }

    /** An address in its usual text form; IPv6 in RFC 5952 compressed form without a scope. */
    static String printable(InetAddress a) {
        if (!(a instanceof Inet6Address)) return a.getHostAddress();
        byte[] b = a.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') s.append(':');
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }
}
