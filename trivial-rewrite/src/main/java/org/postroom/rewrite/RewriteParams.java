package org.postroom.rewrite;

import java.util.List;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;

/** Parameters trivial-rewrite reads that global {@code Params} does not declare yet (mail_params.h defaults). */
final class RewriteParams {
    private RewriteParams() {}

    static final Param<List<String>> TRANSPORT_MAPS = Params.TRANSPORT_MAPS;
    static final Param<List<String>> PARENT_DOMAIN_MATCHES_SUBDOMAINS = Param.list("parent_domain_matches_subdomains",
            "debug_peer_list,fast_flush_domains,mynetworks,permit_mx_backup_networks,qmqpd_authorized_clients,"
                    + "relay_domains,smtpd_access_maps");
}
