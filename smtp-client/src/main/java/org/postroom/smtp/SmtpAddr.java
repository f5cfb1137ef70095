package org.postroom.smtp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.xbill.DNS.Type;

/**
 * The address list for a next hop (smtp_addr.c): MX lookup with RFC 5321 section 5.1 rules (ascending
 * preference, random order among equal preferences and among one host's addresses, the domain's own
 * A/AAAA records when it has no MX), RFC 7505 null MX, the "loops back to myself" check, and
 * smtp_mx_address_limit. A {@code [host]} next hop skips the MX lookup. The outcome is either the
 * addresses to try or a failure with Postfix's status and text; DNS trouble never throws.
 */
final class SmtpAddr {
    /** The lookup settings: address families in inet_protocols order, limits, and this host's addresses. */
    record Settings(List<Integer> families, int mxAddressLimit, Set<InetAddress> myAddresses, boolean randomize) {
        static List<Integer> families(List<String> inetProtocols) {
            List<Integer> out = new ArrayList<>();
            for (String p : inetProtocols) {
                switch (p.toLowerCase(Locale.ROOT)) {
                    case "all" -> {
                        if (!out.contains(Type.A)) out.add(Type.A);
                        if (!out.contains(Type.AAAA)) out.add(Type.AAAA);
                    }
                    case "ipv4" -> { if (!out.contains(Type.A)) out.add(Type.A); }
                    case "ipv6" -> { if (!out.contains(Type.AAAA)) out.add(Type.AAAA); }
                    default -> throw new IllegalArgumentException("inet_protocols: unknown protocol \"" + p + "\"");
                }
            }
            if (out.isEmpty()) throw new IllegalArgumentException("inet_protocols: no protocols");
            return out;
        }
    }

    /** At most this many MX hosts are looked up: a bound on what a stranger's zone can make us do. */
    static final int MAX_MX_HOSTS = 50;

    private final Dns dns;
    private final Settings s;
    private final RandomGenerator random;
    private final Consumer<String> warn;

    SmtpAddr(Dns dns, Settings s, RandomGenerator random, Consumer<String> warn) {
        this.dns = dns;
        this.s = s;
        this.random = random;
        this.warn = warn;
    }

    SiteList resolve(Nexthop hop) {
        return resolve(hop, true, true);
    }

    /**
     * As {@link #resolve(Nexthop)}; without {@code dnsLookups} (disable_dns_lookups, smtp_host_lookup =
     * native, and always for lmtp) there is no MX lookup and host names are looked up with the system
     * resolver (getaddrinfo: /etc/hosts, then DNS as nsswitch.conf says); {@code loopCheck} is off for lmtp.
     */
    SiteList resolve(Nexthop hop, boolean dnsLookups, boolean loopCheck) {
        SiteList list;
        if (!dnsLookups) {
            list = nativeHost(hop.host());
            if (loopCheck && list instanceof SiteList.Addresses a) list = self(hop, a.addresses(), 0);
        } else {
            list = hop.mxLookup() ? mx(hop) : host(hop.host(), 0);
        }
        if (list instanceof SiteList.Addresses a && a.addresses().size() > 1) list = order(a.addresses());
        if (list instanceof SiteList.Addresses a && s.mxAddressLimit() > 0 && a.addresses().size() > s.mxAddressLimit()) {
            list = new SiteList.Addresses(a.addresses().subList(0, s.mxAddressLimit()));
        }
        return list;
    }

    private SiteList mx(Nexthop hop) {
        String domain = hop.host();
        Dns.Answer<Dns.Mx> ans = dns.mx(domain);
        switch (ans.status()) {
            case NOTFOUND -> {
                // RFC 5321 5.1: no MX (NXDOMAIN or NODATA): the domain itself is the implicit MX
                SiteList l = host(domain, 0);
                return l instanceof SiteList.Addresses a ? self(hop, a.addresses(), 0) : l;
            }
            case RETRY -> { return fail("4.4.3", domain, "MX", ans.text()); }
            case FAIL -> { return fail("5.4.3", domain, "MX", ans.text()); }
            case INVAL -> { return new SiteList.Failure("5.4.4", "Name service error for " + domain + ": invalid host or domain name"); }
            case OK -> { }
        }
        List<Dns.Mx> mxs = new ArrayList<>(ans.records());
        for (Dns.Mx m : mxs) {
            if (m.exchange().isEmpty()) return new SiteList.Failure("5.1.0", "Domain " + domain + " does not accept mail (nullMX)");
        }
        mxs.sort(Comparator.comparingInt(Dns.Mx::preference));
        if (mxs.size() > MAX_MX_HOSTS) mxs = mxs.subList(0, MAX_MX_HOSTS);
        List<MxAddress> out = new ArrayList<>();
        SiteList.Failure last = null;
        for (Dns.Mx m : mxs) {
            switch (host(m.exchange(), m.preference())) {
                case SiteList.Addresses a -> out.addAll(a.addresses());
                case SiteList.Failure f -> last = f;
            }
        }
        if (out.isEmpty()) {
            warn.accept("no MX host for " + domain + " has a valid address record");
            return last;
        }
        return self(hop, out, mxs.getFirst().preference());
    }

    /**
     * Self detection: drop every address as good as or worse than our own preference. When nothing is
     * left, the mail loops (we are the best MX) or the better MX hosts have no address.
     */
    private SiteList self(Nexthop hop, List<MxAddress> list, int bestPreference) {
        String domain = hop.host();
        int mine = Integer.MAX_VALUE;
        // smtp_connect.c: mail loops are looked for only when the destination is the SMTP port
        if (hop.port() != 25) return new SiteList.Addresses(list);
        for (MxAddress a : list) {
            if (s.myAddresses().contains(a.address())) mine = Math.min(mine, a.preference());
        }
        if (mine == Integer.MAX_VALUE) return new SiteList.Addresses(list);
        int ours = mine;
        List<MxAddress> kept = list.stream().filter(a -> a.preference() < ours).toList();
        if (!kept.isEmpty()) return new SiteList.Addresses(kept);
        if (ours <= bestPreference) return new SiteList.Failure("5.4.6", "mail for " + domain + " loops back to myself");
        return new SiteList.Failure("4.4.4", "unable to find primary relay for " + domain);
    }

    /** The addresses of one host (smtp_addr_one): numeric as is, else A/AAAA in inet_protocols order. */
    private SiteList host(String name, int preference) {
        if (Nexthop.isNumeric(name)) {
            String literal = name.regionMatches(true, 0, "ipv6:", 0, 5) ? name.substring(5) : name;
            try {
                return new SiteList.Addresses(List.of(new MxAddress(name, preference, InetAddress.ofLiteral(literal))));
            } catch (IllegalArgumentException e) {
                return new SiteList.Failure("5.4.4", "Name service error for " + name + ": invalid host or domain name");
            }
        }
        List<MxAddress> out = new ArrayList<>();
        Dns.Answer<InetAddress> first = null;
        Dns.Answer<InetAddress> retry = null;
        for (int type : s.families()) {
            Dns.Answer<InetAddress> a = dns.addresses(name, type);
            if (first == null) first = a;
            if (a.status() == Dns.Status.RETRY && retry == null) retry = a;
            for (InetAddress ia : a.records()) {
                boolean v4 = ia instanceof Inet4Address;
                if ((type == Type.A) == v4) out.add(new MxAddress(name, preference, ia));
            }
        }
        if (!out.isEmpty()) return new SiteList.Addresses(out);
        String type = s.families().getFirst() == Type.A ? "A" : "AAAA";
        if (retry != null) return fail("4.4.3", name, type, retry.text());
        return switch (first.status()) {
            case FAIL -> fail("5.4.3", name, type, first.text());
            case INVAL -> new SiteList.Failure("5.4.4", "Name service error for " + name + ": invalid host or domain name");
            default -> fail("5.4.4", name, type, "Host not found");
        };
    }

    /** smtp_addr_one with smtp_host_lookup = native: the system resolver, in inet_protocols order. */
    private SiteList nativeHost(String name) {
        if (Nexthop.isNumeric(name)) return host(name, 0);
        List<MxAddress> out = new ArrayList<>();
        String type = s.families().getFirst() == Type.A ? "A" : "AAAA";
        try {
            InetAddress[] all = InetAddress.getAllByName(name);
            for (int t : s.families()) {
                for (InetAddress ia : all) {
                    if ((t == Type.A) == (ia instanceof Inet4Address)) out.add(new MxAddress(name, 0, ia));
                }
            }
        } catch (java.net.UnknownHostException e) {
            return fail("5.4.4", name, type, "Host not found");
        }
        if (out.isEmpty()) return fail("5.4.4", name, type, "Host not found");
        return new SiteList.Addresses(out);
    }

    private static SiteList.Failure fail(String dsn, String name, String type, String text) {
        return new SiteList.Failure(dsn, "Host or domain name not found. Name service error for name=" + name + " type=" + type + ": " + text);
    }

    /** smtp_randomize_addresses: shuffle, then a stable sort by preference. */
    private SiteList order(List<MxAddress> list) {
        List<MxAddress> l = new ArrayList<>(list);
        if (s.randomize()) Collections.shuffle(l, random);
        l.sort(Comparator.comparingInt(MxAddress::preference));
        return new SiteList.Addresses(l);
    }
}
