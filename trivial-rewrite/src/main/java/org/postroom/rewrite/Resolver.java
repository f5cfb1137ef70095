package org.postroom.rewrite;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.rewrite.ResolveReply;

/**
 * The resolve request (resolve.c): decides the address class of a recipient domain and the transport
 * and next hop that serve it. Domain lists match case-insensitively, with exact names only for now.
 */
final class Resolver {
    private final Set<String> mydestination;
    private final Set<String> virtualAlias;
    private final Set<String> virtualMailbox;
    private final Set<String> relayDomains;
    private final Set<String> ourAddresses = new HashSet<>();
    private final String myhostname;
    private final String relayhost;
    private final String localTransport;
    private final String defaultTransport;
    private final String relayTransport;
    private final String virtualTransport;

    Resolver(MainCf cfg) {
        this.myhostname = cfg.get(Params.MYHOSTNAME).toLowerCase(Locale.ROOT);
        this.mydestination = domains(cfg.get(Params.MYDESTINATION), "mydestination");
        this.virtualAlias = domains(cfg.get(Params.VIRTUAL_ALIAS_DOMAINS), "virtual_alias_domains");
        this.virtualMailbox = domains(cfg.get(Params.VIRTUAL_MAILBOX_DOMAINS), "virtual_mailbox_domains");
        this.relayDomains = domains(cfg.get(Params.RELAY_DOMAINS), "relay_domains");
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

    private static Set<String> domains(List<String> list, String param) {
        Set<String> out = new HashSet<>();
        for (String d : list) {
            if (d.contains(":") || d.startsWith("/")) {
                Msg.warn(param + ": table lookups (" + d + ") are not supported yet; entry ignored");
                continue;
            }
            out.add(d.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    ResolveReply resolve(String address) {
        Addresses.Parts p = Addresses.split(address);
        String domain = p.hasDomain() ? p.domain().toLowerCase(Locale.ROOT) : myhostname;
        if (domain.endsWith(".")) domain = domain.substring(0, domain.length() - 1);
        String recipient = p.local() + "@" + (p.hasDomain() ? p.domain() : myhostname);
        if (!p.hasDomain() || isLocal(domain)) {
            return reply(localTransport, domain, recipient, ResolveReply.CLASS_LOCAL);
        }
        if (virtualAlias.contains(domain)) {
            return new ResolveReply("error", "5.1.1 User unknown in virtual alias table", recipient,
                    ResolveReply.CLASS_ALIAS);
        }
        if (virtualMailbox.contains(domain)) {
            return reply(virtualTransport, domain, recipient, ResolveReply.CLASS_VIRTUAL);
        }
        if (relayDomains.contains(domain)) {
            return reply(relayTransport, nexthop(domain), recipient, ResolveReply.CLASS_RELAY | routed());
        }
        return reply(defaultTransport, nexthop(domain), recipient, ResolveReply.CLASS_DEFAULT | routed());
    }

    private boolean isLocal(String domain) {
        if (mydestination.contains(domain)) return true;
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
