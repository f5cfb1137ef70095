package org.postroom.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.NsdServer;

/**
 * MX and host lookups against a real DNS server (Debian's nsd with a test zone), with the outcomes
 * and texts Postfix 3.7.11 gives for the same answers (shared/spec/postfix-remote-and-edge.md 9.2).
 */
class SmtpAddrTest {
    private static final String ZONE = """
            $ORIGIN example.test.
            $TTL 60
            @ IN SOA ns hostmaster 1 3600 600 86400 60
            @ IN NS ns
            ns IN A 127.0.0.1
            @ IN MX 10 mx1
            @ IN MX 20 mx2
            mx1 IN A 127.0.0.10
            mx2 IN A 127.0.0.20
            mx2 IN AAAA ::2
            nullmx IN MX 0 .
            aonly IN A 127.0.0.30
            eq IN MX 10 a.eq
            eq IN MX 10 b.eq
            eq IN MX 10 c.eq
            a.eq IN A 127.0.1.1
            b.eq IN A 127.0.1.2
            c.eq IN A 127.0.1.3
            noaddr IN MX 10 ghost
            selfmx IN MX 10 self
            self IN A 127.0.0.99
            selfbackup IN MX 5 ghost
            selfbackup IN MX 10 self
            backup IN MX 5 mx1
            backup IN MX 10 self
            cname IN CNAME mx1
            """;

    private static NsdServer nsd;
    private static final List<String> warnings = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(NsdServer.available(), "needs Debian's nsd (.ci/run installs it)");
        nsd = NsdServer.start(Map.of("example.test", ZONE));
    }

    @AfterAll
    static void stop() {
        if (nsd != null) nsd.close();
    }

    private static SmtpAddr addr(List<String> protocols, int limit, Random random) throws Exception {
        Dns dns = Dns.of(List.of(nsd.dnsServers()), Duration.ofSeconds(2));
        return new SmtpAddr(dns, new SmtpAddr.Settings(SmtpAddr.Settings.families(protocols), limit,
                Set.of(InetAddress.ofLiteral("127.0.0.99")), true), random, warnings::add);
    }

    private static SiteList resolve(String nexthop) throws Exception {
        return addr(List.of("ipv4"), 5, new Random(1)).resolve(Nexthop.parse(nexthop, 25));
    }

    private static List<String> hosts(SiteList l) {
        return assertInstanceOf(SiteList.Addresses.class, l).addresses().stream().map(MxAddress::namaddr).toList();
    }

    @Test
    void mxInPreferenceOrder() throws Exception {
        assertEquals(List.of("mx1.example.test[127.0.0.10]", "mx2.example.test[127.0.0.20]"), hosts(resolve("example.test")));
        // inet_protocols = all: both families, each host's addresses after its preference
        List<String> all = hosts(addr(List.of("all"), 5, new Random(1)).resolve(Nexthop.parse("example.test", 25)));
        assertEquals("mx1.example.test[127.0.0.10]", all.getFirst());
        assertEquals(Set.of("mx2.example.test[127.0.0.20]", "mx2.example.test[0:0:0:0:0:0:0:2]"), new HashSet<>(all.subList(1, 3)));
    }

    @Test
    void equalPreferencesInRandomOrder() throws Exception {
        Set<List<String>> orders = new HashSet<>();
        SmtpAddr a = addr(List.of("ipv4"), 5, new Random(7));
        for (int i = 0; i < 30; i++) orders.add(hosts(a.resolve(Nexthop.parse("eq.example.test", 25))));
        assertTrue(orders.size() >= 3, "several orders among equal preferences: " + orders);
        for (List<String> o : orders) assertEquals(3, o.size());
    }

    @Test
    void mxAddressLimit() throws Exception {
        assertEquals(2, hosts(addr(List.of("ipv4"), 2, new Random(1)).resolve(Nexthop.parse("eq.example.test", 25))).size());
    }

    @Test
    void noMxFallsBackToTheDomainsAddresses() throws Exception {
        assertEquals(List.of("aonly.example.test[127.0.0.30]"), hosts(resolve("aonly.example.test")));
        // the name asked for (Postfix logs the query name, SMTP_HNAME = qname), the CNAME target's address
        assertEquals(List.of("cname.example.test[127.0.0.10]"), hosts(resolve("cname.example.test")));
    }

    @Test
    void bracketedHostSkipsMx() throws Exception {
        assertEquals(List.of("mx1.example.test[127.0.0.10]"), hosts(resolve("[mx1.example.test]:2525")));
        assertEquals(List.of("127.0.0.5[127.0.0.5]"), hosts(resolve("[127.0.0.5]")));
        assertEquals(new SiteList.Failure("5.4.4", "Host or domain name not found. Name service error for name=example.test type=A: Host not found"),
                resolve("[example.test]"));
    }

    @Test
    void nullMxBounces() throws Exception {
        assertEquals(new SiteList.Failure("5.1.0", "Domain nullmx.example.test does not accept mail (nullMX)"), resolve("nullmx.example.test"));
    }

    @Test
    void nxdomainBouncesAfterTheAddressFallback() throws Exception {
        assertEquals(new SiteList.Failure("5.4.4", "Host or domain name not found. Name service error for name=nx.example.test type=A: Host not found"),
                resolve("nx.example.test"));
    }

    @Test
    void refusedOrTimeoutDefers() throws Exception {
        SiteList l = resolve("other.test"); // nsd refuses zones it does not serve
        assertEquals(new SiteList.Failure("4.4.3", "Host or domain name not found. Name service error for name=other.test type=MX: Host not found, try again"), l);
        // a server that never answers
        Dns silent = Dns.of(List.of("[127.0.0.1]:9"), Duration.ofMillis(300));
        SmtpAddr a = new SmtpAddr(silent, new SmtpAddr.Settings(List.of(org.xbill.DNS.Type.A), 5, Set.of(), true), new Random(1), w -> {});
        assertEquals("4.4.3", assertInstanceOf(SiteList.Failure.class, a.resolve(Nexthop.parse("example.test", 25))).dsn());
    }

    @Test
    void mxHostsWithoutAddresses() throws Exception {
        warnings.clear();
        assertEquals(new SiteList.Failure("5.4.4", "Host or domain name not found. Name service error for name=ghost.example.test type=A: Host not found"),
                resolve("noaddr.example.test"));
        assertEquals(List.of("no MX host for noaddr.example.test has a valid address record"), warnings);
    }

    @Test
    void mailToOurselvesLoopsOrFindsNoPrimary() throws Exception {
        assertEquals(new SiteList.Failure("5.4.6", "mail for selfmx.example.test loops back to myself"), resolve("selfmx.example.test"));
        assertEquals(new SiteList.Failure("4.4.4", "unable to find primary relay for selfbackup.example.test"), resolve("selfbackup.example.test"));
        // we are a backup MX: only the better MX hosts are kept
        assertEquals(List.of("mx1.example.test[127.0.0.10]"), hosts(resolve("backup.example.test")));
    }

    @Test
    void nexthopSyntax() {
        assertEquals(new Nexthop("relay.example", 587, false), Nexthop.parse("[relay.example]:submission", 25));
        assertEquals(new Nexthop("example.com", 25, true), Nexthop.parse("Example.COM", 25));
        assertEquals(new Nexthop("example.com", 2525, true), Nexthop.parse("example.com:2525", 25));
        assertEquals(new Nexthop("ipv6:::1", 25, false), Nexthop.parse("[ipv6:::1]", 25));
        assertThrows(IllegalArgumentException.class, () -> Nexthop.parse("192.0.2.1", 25));
        assertThrows(IllegalArgumentException.class, () -> Nexthop.parse("[relay.example", 25));
        assertThrows(IllegalArgumentException.class, () -> Nexthop.parse("[relay.example]:99999", 25));
        assertThrows(IllegalArgumentException.class, () -> Dns.of(List.of("resolver.example"), Duration.ofSeconds(1)));
    }
}
