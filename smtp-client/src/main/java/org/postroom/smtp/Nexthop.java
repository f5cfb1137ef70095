package org.postroom.smtp;

import java.util.Locale;

/**
 * Where a delivery goes (smtp_connect.c, smtp_parse_destination): {@code [host]:port} and
 * {@code [host]} name a host whose addresses are used directly; {@code host:port} and {@code host} name
 * a domain whose MX records are looked up first. The port is a number or a service name
 * ({@code smtp}, {@code submission}, ...).
 */
record Nexthop(String host, int port, boolean mxLookup, java.nio.file.Path unix) {
    Nexthop(String host, int port, boolean mxLookup) {
        this(host, port, mxLookup, null);
    }

    /**
     * Parses an lmtp(8) destination (lmtp_connect.c): {@code unix:/path}, {@code inet:host[:port]} or
     * {@code host[:port]}, with or without [] (never an MX lookup); the port defaults to lmtp_tcp_port.
     */
    static Nexthop parseLmtp(String spec, int defaultPort) {
        String s = spec.strip();
        if (s.regionMatches(true, 0, "unix:", 0, 5)) {
            String path = s.substring(5);
            if (path.isEmpty()) throw new IllegalArgumentException("empty UNIX-domain socket path in \"" + spec + "\"");
            return new Nexthop("", 0, false, java.nio.file.Path.of(path));
        }
        if (s.regionMatches(true, 0, "inet:", 0, 5)) s = s.substring(5);
        if (!s.startsWith("[") && !s.isEmpty()) {
            int colon = s.lastIndexOf(':');
            String host = colon < 0 ? s : s.substring(0, colon);
            if (isNumeric(host) && host.indexOf(':') < 0) s = "[" + host + "]" + (colon < 0 ? "" : s.substring(colon));
        }
        Nexthop h = parse(s, defaultPort);
        return new Nexthop(h.host(), h.port(), false, null);
    }
    /**
     * Parses a relayhost, transport nexthop or smtp_fallback_relay element.
     *
     * @throws IllegalArgumentException with Postfix's reason when the value is malformed
     */
    static Nexthop parse(String spec, int defaultPort) {
        String s = spec.strip();
        if (s.isEmpty()) throw new IllegalArgumentException("empty destination");
        boolean bracket = s.startsWith("[");
        String host;
        String rest;
        if (bracket) {
            int close = s.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("missing \"]\" in \"" + spec + "\"");
            host = s.substring(1, close);
            rest = s.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) throw new IllegalArgumentException("garbage after \"]\" in \"" + spec + "\"");
        } else {
            int colon = s.lastIndexOf(':');
            host = colon < 0 ? s : s.substring(0, colon);
            rest = colon < 0 ? "" : s.substring(colon);
        }
        if (host.isEmpty()) throw new IllegalArgumentException("empty host name in \"" + spec + "\"");
        int port = rest.isEmpty() ? defaultPort : port(rest.substring(1), spec);
        if (!bracket && isNumeric(host)) {
            // smtp_addr.c: a numeric address must be written as [address]
            throw new IllegalArgumentException("numerical destination " + host + " must be enclosed in []");
        }
        return new Nexthop(host.toLowerCase(Locale.ROOT), port, !bracket);
    }

    private static int port(String p, String spec) {
        switch (p.toLowerCase(Locale.ROOT)) {
            case "smtp" -> { return 25; }
            case "submission" -> { return 587; }
            case "submissions", "smtps" -> { return 465; }
            case "lmtp" -> { return 24; }
            default -> { }
        }
        try {
            int n = Integer.parseInt(p);
            if (n > 0 && n < 65536) return n;
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("bad port \"" + p + "\" in \"" + spec + "\"");
    }

    static boolean isNumeric(String host) {
        if (host.regionMatches(true, 0, "ipv6:", 0, 5)) return true;
        if (host.indexOf(':') >= 0) return true;
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}
