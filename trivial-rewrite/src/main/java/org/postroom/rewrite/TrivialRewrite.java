package org.postroom.rewrite;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.postroom.global.config.Params;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.ipc.ProtocolException;
import org.postroom.global.proto.rewrite.ResolveReply;
import org.postroom.service.RequestService;
import org.postroom.service.ServiceContext;
import org.postroom.service.ServiceMain;
import org.postroom.service.ServiceSpec;

/**
 * NAME
 *     trivial-rewrite - Postroom address rewriting and resolving daemon
 * SYNOPSIS
 *     trivial-rewrite [generic Postfix daemon options]
 * DESCRIPTION
 *     Answers two requests on private/rewrite, one attribute list in, one out:
 *     rewrite (rule, address) canonicalises an address: site!user becomes user@site
 *     (swap_bangpath), user%domain becomes user@domain (allow_percent_hack), @$myorigin is
 *     appended to bare names in the local context (append_at_myorigin), .$mydomain to
 *     single-label domains (append_dot_mydomain).
 *     resolve (sender, address) gives transport, nexthop, recipient and address class:
 *     local ($mydestination: $local_transport), virtual alias ($virtual_alias_domains: error),
 *     virtual mailbox ($virtual_mailbox_domains: $virtual_transport), relay ($relay_domains:
 *     $relay_transport) or default ($default_transport), with $relayhost as next hop where set.
 *     Domain lists take names, ".parent" patterns, !exclusions, /file/name entries and type:table
 *     entries (the domain is the lookup key; virtual_alias_domains defaults to $virtual_alias_maps and
 *     virtual_mailbox_domains to $virtual_mailbox_maps). transport_maps then overrides the route,
 *     keeping the class (transport(5) key order: address, address without extension, domain, parent
 *     domains as .parent, "*"). A table that cannot be read makes the reply carry the fail flag.
 * SECURITY
 *     Not security sensitive: it sees addresses only, never content. Runs as mail_owner.
 * DIAGNOSTICS
 *     Problems are logged with the program name; malformed requests close the connection.
 * BUGS
 *     proxy: table prefixes are dropped (there is no proxymap(8)): tables are opened directly.
 *     Address verification, sender-dependent relayhost and default transport maps are not implemented.
 *     A table whose file changes is reopened at the next lookup rather than restarting the daemon.
 * CONFIGURATION PARAMETERS
 *     myorigin ($myhostname), mydomain, mydestination ($myhostname, localhost.$mydomain, localhost),
 *     relay_domains, virtual_alias_domains, virtual_mailbox_domains, relayhost (empty),
 *     local_transport (local:$myhostname), default_transport (smtp), relay_transport (relay),
 *     virtual_transport (virtual), swap_bangpath (yes), allow_percent_hack (yes),
 *     append_at_myorigin (yes), append_dot_mydomain (no at compatibility_level 1 and up),
 *     transport_maps (empty), recipient_delimiter (empty), parent_domain_matches_subdomains
 *     (debug_peer_list, fast_flush_domains, mynetworks, permit_mx_backup_networks,
 *     qmqpd_authorized_clients, relay_domains, smtpd_access_maps)
 * SEE ALSO
 *     qmgr(8), cleanup(8), smtpd(8), postconf(5), transport(5)
 */
public final class TrivialRewrite implements RequestService {
    static final ServiceSpec SPEC = new ServiceSpec("trivial-rewrite", List.of(Params.MYORIGIN, Params.MYDESTINATION,
            Params.RELAY_DOMAINS, Params.VIRTUAL_ALIAS_DOMAINS, Params.VIRTUAL_MAILBOX_DOMAINS, Params.RELAYHOST,
            Params.LOCAL_TRANSPORT, Params.DEFAULT_TRANSPORT, Params.RELAY_TRANSPORT, Params.VIRTUAL_TRANSPORT,
            Params.SWAP_BANGPATH, Params.ALLOW_PERCENT_HACK, Params.APPEND_AT_MYORIGIN, Params.APPEND_DOT_MYDOMAIN,
            Params.RECIPIENT_DELIMITER, RewriteParams.TRANSPORT_MAPS, RewriteParams.PARENT_DOMAIN_MATCHES_SUBDOMAINS), Set.of());

    public static void main(String[] args) {
        ServiceMain.run(args, SPEC, ctx -> new TrivialRewrite(ctx));
    }

    private final Rewriter rewriter;
    private final Resolver resolver;

    TrivialRewrite(ServiceContext ctx) {
        this.rewriter = new Rewriter(ctx.config());
        this.resolver = new Resolver(ctx.config());
    }

    @Override
    public String protocol() {
        return AttrNames.PROTO_REWRITE;
    }

    @Override
    public Attrs handle(Attrs request) throws IOException {
        String req = request.require(AttrNames.REQUEST);
        return switch (req) {
            case "rewrite" -> Attrs.builder().put(AttrNames.FLAGS, 0)
                    .put(AttrNames.ADDRESS, rewriter.rewrite(request.require(AttrNames.RULE), request.require(AttrNames.ADDRESS)))
                    .build();
            case "resolve" -> {
                ResolveReply r = resolver.resolve(request.require(AttrNames.ADDRESS));
                yield Attrs.builder().put(AttrNames.FLAGS, r.flags()).put(AttrNames.TRANSPORT, r.transport())
                        .put(AttrNames.NEXTHOP, r.nexthop()).put(AttrNames.RECIPIENT, r.recipient()).build();
            }
            default -> throw new ProtocolException("unknown request: " + req);
        };
    }
}
