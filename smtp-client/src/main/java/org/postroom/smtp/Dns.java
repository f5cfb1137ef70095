package org.postroom.smtp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * DNS lookups for mail routing through dnsjava (dns_lookup.c): MX and A/AAAA queries against the
 * servers of /etc/resolv.conf, or of the Postroom parameter dns_servers ({@code ip} or
 * {@code [ip]:port} elements). Every answer is classified the way Postfix's dns_lookup() classifies
 * it, and the caller never sees an exception: an answer from a stranger that cannot be parsed, a
 * timeout or a refusal is a temporary failure. Nothing is cached between lookups (the resolver's
 * own cache does that in Postfix's set-up, and answers must not outlive their test zones).
 */
final class Dns {
    /** dns_lookup() status classes. */
    enum Status { OK, NOTFOUND, RETRY, FAIL, INVAL }

    /** One answer: the records of the asked type (CNAMEs followed), or a status and its text. */
    record Answer<T>(Status status, List<T> records, String text) {}

    /** An MX record: preference and exchange (empty for RFC 7505's "."). */
    record Mx(int preference, String exchange) {}

    /** An answer for a stranger is bounded: this many records of one type are looked at, no more. */
    static final int MAX_RECORDS = 100;

    private final Resolver resolver;

    Dns(Resolver resolver) {
        this.resolver = resolver;
    }

    /** A resolver for dns_servers (empty: /etc/resolv.conf), with a per-query timeout. */
    static Dns of(List<String> servers, Duration timeout) {
        try {
            ExtendedResolver r;
            if (servers.isEmpty()) {
                r = new ExtendedResolver();
            } else {
                List<Resolver> list = new ArrayList<>();
                for (String s : servers) list.add(simple(s));
                r = new ExtendedResolver(list);
            }
            r.setTimeout(timeout);
            r.setRetries(2);
            return new Dns(r);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** {@code ip}, {@code [ip]} or {@code [ip]:port}. */
    static SimpleResolver simple(String spec) throws UnknownHostException {
        String host = spec.strip();
        int port = 53;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("dns_servers: missing \"]\" in \"" + spec + "\"");
            String rest = host.substring(close + 1);
            host = host.substring(1, close);
            if (rest.startsWith(":")) {
                try {
                    port = Integer.parseInt(rest.substring(1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("dns_servers: bad port in \"" + spec + "\"");
                }
            } else if (!rest.isEmpty()) {
                throw new IllegalArgumentException("dns_servers: garbage after \"]\" in \"" + spec + "\"");
            }
        }
        if (!Nexthop.isNumeric(host)) throw new IllegalArgumentException("dns_servers: \"" + spec + "\" is not an IP address");
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(InetAddress.getByName(host), port));
        return r;
    }

    Answer<Mx> mx(String name) {
        return lookup(name, Type.MX, rec -> rec instanceof MXRecord m
                ? new Mx(m.getPriority(), exchange(m.getTarget())) : null);
    }

    Answer<InetAddress> addresses(String name, int type) {
        return lookup(name, type, rec -> rec instanceof ARecord a ? a.getAddress()
                : rec instanceof AAAARecord a6 ? a6.getAddress() : null);
    }

    private static String exchange(Name target) {
        String t = target.toString(true);
        return t.equals(".") || target.labels() <= 1 ? "" : t;
    }

    private <T> Answer<T> lookup(String name, int type, java.util.function.Function<Record, T> convert) {
        Name n;
        try {
            n = Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            return new Answer<>(Status.INVAL, List.of(), "invalid host or domain name");
        }
        Lookup l = new Lookup(n, type, DClass.IN);
        l.setResolver(resolver);
        l.setCache(null);
        Record[] rs;
        try {
            rs = l.run();
        } catch (RuntimeException e) {
            // a reply dnsjava could not make sense of
            return new Answer<>(Status.RETRY, List.of(), "Host not found, try again");
        }
        return switch (l.getResult()) {
            case Lookup.SUCCESSFUL -> {
                List<T> out = new ArrayList<>();
                for (Record r : rs == null ? new Record[0] : rs) {
                    T v = convert.apply(r);
                    if (v != null && out.size() < MAX_RECORDS) out.add(v);
                }
                yield out.isEmpty() ? new Answer<>(Status.NOTFOUND, List.of(), "Host found but no data record of requested type")
                        : new Answer<>(Status.OK, out, "");
            }
            case Lookup.HOST_NOT_FOUND -> new Answer<>(Status.NOTFOUND, List.of(), "Host not found");
            case Lookup.TYPE_NOT_FOUND -> new Answer<>(Status.NOTFOUND, List.of(), "Host found but no data record of requested type");
            case Lookup.UNRECOVERABLE -> new Answer<>(Status.FAIL, List.of(), "Non-recoverable error");
            default -> new Answer<>(Status.RETRY, List.of(), "Host not found, try again");
        };
    }
}
