package org.postroom.smtpd;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A mynetworks-style client list (namadr_list, cidr_match): {@code 1.2.3.0/24}, {@code [2001:db8::]/32},
 * {@code 2001:db8::/32}, plain addresses, host or domain names (matched against the client name; a
 * name also matches its subdomains, as with parent_domain_matches_subdomains), and {@code !} to exclude.
 * The first matching element decides. Lookup tables and /file/name elements are not supported and are
 * rejected when the list is parsed, as is a network with non-null host bits.
 */
final class NetworkList {
    private record Element(boolean negate, byte[] network, int prefix, String name) {
        boolean matches(byte[] addr, String clientName) {
            if (name != null) {
                String n = clientName.toLowerCase(Locale.ROOT);
                return name.startsWith(".") ? n.endsWith(name) : n.equals(name) || n.endsWith("." + name);
            }
            if (addr == null || addr.length != network.length) return false;
            int full = prefix / 8;
            for (int i = 0; i < full; i++) if (addr[i] != network[i]) return false;
            int rest = prefix % 8;
            if (rest == 0) return true;
            int mask = (0xff << (8 - rest)) & 0xff;
            return (addr[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Element> elements;

    private NetworkList(List<Element> elements) {
        this.elements = List.copyOf(elements);
    }

    static NetworkList parse(List<String> patterns) {
        List<Element> out = new ArrayList<>();
        for (String p : patterns) out.add(element(p));
        return new NetworkList(out);
    }

    /** Whether the client (address, and name or "unknown") is in the list. */
    boolean matches(InetAddress address, String clientName) {
        byte[] addr = address == null ? null : address.getAddress();
        for (Element e : elements) {
            if (e.matches(addr, clientName)) return !e.negate();
        }
        return false;
    }

    private static Element element(String pattern) {
        String p = pattern.strip();
        boolean negate = false;
        while (p.startsWith("!")) {
            negate = !negate;
            p = p.substring(1);
        }
        if (p.isEmpty()) throw new IllegalArgumentException("empty network pattern: \"" + pattern + "\"");
        if (p.startsWith("/") || (p.indexOf(':') > 0 && p.matches("[a-z0-9_]+:.*") && !p.matches("[0-9a-fA-F:.]+(/\\d+)?"))) {
            throw new IllegalArgumentException("unsupported network list element (tables and files are not implemented): " + p);
        }
        String host = p;
        int prefix = -1;
        int slash = p.lastIndexOf('/');
        if (slash > 0) {
            host = p.substring(0, slash);
            try {
                prefix = Integer.parseInt(p.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad network mask in \"" + p + "\"");
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (!looksNumeric(host)) {
            if (prefix >= 0) throw new IllegalArgumentException("bad address pattern: \"" + p + "\"");
            return new Element(negate, null, 0, host.toLowerCase(Locale.ROOT));
        }
        byte[] net;
        try {
            net = InetAddress.ofLiteral(host).getAddress();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad address pattern: \"" + p + "\"");
        }
        if (net.length == 4 && host.indexOf(':') >= 0 && prefix >= 0) {
            if (prefix < 96) throw new IllegalArgumentException("unsupported IPv4-mapped network: \"" + p + "\"");
            prefix -= 96; // Java maps ::ffff:a.b.c.d to the IPv4 address; so do client addresses
        }
        int bits = net.length * 8;
        if (prefix < 0) prefix = bits;
        if (prefix > bits) throw new IllegalArgumentException("bad network mask length in \"" + p + "\"");
        Element e = new Element(negate, net, prefix, null);
        byte[] masked = masked(net, prefix);
        if (!Arrays.equals(masked, net)) {
            throw new IllegalArgumentException("non-null host address bits in \"" + p + "\", perhaps you should use \""
                    + format(masked, host.indexOf(':') >= 0) + "/" + prefix + "\" instead");
        }
        return e;
    }

    private static boolean looksNumeric(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }

    private static byte[] masked(byte[] net, int prefix) {
        byte[] m = net.clone();
        for (int i = 0; i < m.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            m[i] = (byte) (m[i] & ((0xff << (8 - keep)) & 0xff));
        }
        return m;
    }

    private static String format(byte[] addr, boolean v6) {
        try {
            String s = ClientInfo.printable(InetAddress.getByAddress(addr));
            return v6 ? "[" + s + "]" : s;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
