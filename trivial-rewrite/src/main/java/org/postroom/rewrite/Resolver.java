package org.postroom.rewrite;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.rewrite.ResolveReply;
import org.postroom.global.table.DomainList;
import org.postroom.global.table.LazyTable;
import org.postroom.global.table.Table;
import org.postroom.global.table.TableException;

/**
 * The resolve request (resolve.c): decides the address class of a recipient domain and the transport
 * and next hop that serve it, then lets transport_maps override the route. The class is kept when
 * transport_maps changes the route. A table that cannot be read gives {@link ResolveReply#FLAG_FAIL}:
 * the caller defers (smtpd: 451 4.3.0 Temporary lookup failure).
 */
final class Resolver {
    /** The route of a failed resolve; qmgr finds no such agent and defers. */
    static final String FAIL_TRANSPORT = "retry";
    static final String FAIL_TEXT = "4.3.0 address resolver failure";

    private final DomainList mydestination;
    private final DomainList virtualAlias;
    private final DomainList virtualMailbox;
    private final DomainList relayDomains;
    private final TransportMaps transportMaps;
    private final Set<String> ourAddresses = new HashSet<>();
    private final String myhostname;
    private final String relayhost;
    private final String localTransport;
    private final String defaultTransport;
    private final String relayTransport;
    private final String virtualTransport;

    Resolver(MainCf cfg) {
        List<String> parents = cfg.get(RewriteParams.PARENT_DOMAIN_MATCHES_SUBDOMAINS);
        this.myhostname = cfg.get(Params.MYHOSTNAME).toLowerCase(Locale.ROOT);
        this.mydestination = list(cfg, "mydestination", cfg.get(Params.MYDESTINATION), parents);
        this.virtualAlias = list(cfg, "virtual_alias_domains", cfg.get(Params.VIRTUAL_ALIAS_DOMAINS), parents);
        this.virtualMailbox = list(cfg, "virtual_mailbox_domains", cfg.get(Params.VIRTUAL_MAILBOX_DOMAINS), parents);
        this.relayDomains = list(cfg, "relay_domains", cfg.get(Params.RELAY_DOMAINS), parents);
        List<Table> transport = new ArrayList<>();
        for (String spec : cfg.get(RewriteParams.TRANSPORT_MAPS)) transport.add(new LazyTable(spec, false));
        this.transportMaps = new TransportMaps(transport, cfg.get(Params.RECIPIENT_DELIMITER),
                DomainList.parentStyle(parents, "transport_maps"));
        this.relayhost = cfg.get(Params.RELAYHOST).strip();
        this.localTransport = cfg.get(Params.LOCAL_TRANSPORT);
        this.defaultTransport = cfg.get(Params.DEFAULT_TRANSPORT);
        this.relayTransport = cfg.get(Params.RELAY_TRANSPORT);
        this.virtualTransport = cfg.get(Params.VIRTUAL_TRANSPORT);
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    String s = a.getHostAddress();
                    int pct = s.indexOf('%');
                    ourAddresses.add((pct >= 0 ? s.substring(0, pct) : s).toLowerCase(Locale.ROOT));
                }
            }
        } catch (SocketException e) {
            ourAddresses.add("127.0.0.1");
        }
    }

    private static DomainList list(MainCf cfg, String name, List<String> items, List<String> parents) {
        return new DomainList(name, items, DomainList.parentStyle(parents, name));
    }

    ResolveReply resolve(String address) {
        Addresses.Parts p = Addresses.split(address);
        String domain = p.hasDomain() ? p.domain().toLowerCase(Locale.ROOT) : myhostname;
        if (domain.endsWith(".")) domain = domain.substring(0, domain.length() - 1);
        String recipient = p.local() + "@" + (p.hasDomain() ? p.domain() : myhostname);
        try {
            ResolveReply byClass = classify(p.hasDomain(), domain, recipient);
            if (transportMaps.isEmpty()) return byClass;
            TransportMaps.Route r = transportMaps.route(recipient, domain,
                    new TransportMaps.Route(byClass.transport(), byClass.nexthop()));
            return new ResolveReply(r.transport(), r.nexthop(), recipient, byClass.flags());
        } catch (TableException e) {
            Msg.warn("resolve " + address + ": " + e.getMessage());
            return new ResolveReply(FAIL_TRANSPORT, FAIL_TEXT, recipient, ResolveReply.FLAG_FAIL);
        }
    }

    private ResolveReply classify(boolean hasDomain, String domain, String recipient) throws TableException {
        if (!hasDomain || isLocal(domain)) {
            if (!virtualAlias.isEmpty() && virtualAlias.matches(domain)) {
                Msg.warn("do not list domain " + domain + " in BOTH mydestination and virtual_alias_domains");
            }
            return reply(localTransport, domain, recipient, ResolveReply.CLASS_LOCAL);
        }
        if (virtualAlias.matches(domain)) {
            if (virtualMailbox.matches(domain)) {
                Msg.warn("do not list domain " + domain + " in BOTH virtual_alias_domains and virtual_mailbox_domains");
            }
            return new ResolveReply("error", "5.1.1 User unknown in virtual alias table", recipient,
                    ResolveReply.CLASS_ALIAS);
        }
        if (virtualMailbox.matches(domain)) {
            return reply(virtualTransport, domain, recipient, ResolveReply.CLASS_VIRTUAL);
        }
        if (relayDomains.matches(domain)) {
            return reply(relayTransport, nexthop(domain), recipient, ResolveReply.CLASS_RELAY | routed());
        }
        return reply(defaultTransport, nexthop(domain), recipient, ResolveReply.CLASS_DEFAULT | routed());
    }

    private boolean isLocal(String domain) throws TableException {
        if (mydestination.matches(domain)) return true;
        if (domain.startsWith("[") && domain.endsWith("]")) {
            String ip = domain.substring(1, domain.length() - 1).toLowerCase(Locale.ROOT);
            if (ip.startsWith("ipv6:")) ip = ip.substring(5);
            return ourAddresses.contains(ip);
        }
        return false;
    }

    private String nexthop(String domain) {
        return relayhost.isEmpty() ? domain : relayhost;
    }

    private int routed() {
        return relayhost.isEmpty() ? 0 : ResolveReply.FLAG_ROUTED;
    }

    /** A transport setting "name:nexthop" overrides the next hop; "name" alone keeps {@code nexthop}. */
    private static ResolveReply reply(String transportSetting, String nexthop, String recipient, int flags) {
        int colon = transportSetting.indexOf(':');
        String transport = colon < 0 ? transportSetting : transportSetting.substring(0, colon);
        String hop = colon < 0 || colon == transportSetting.length() - 1 ? nexthop : transportSetting.substring(colon + 1);
        return new ResolveReply(transport, hop, recipient, flags);
    }
}
