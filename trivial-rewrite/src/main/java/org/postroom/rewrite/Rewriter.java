package org.postroom.rewrite;

import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;

/** The rewrite request (rewrite.c, rewrite_clnt.c): canonical form of one address in a rule context. */
final class Rewriter {
    private final boolean swapBangpath;
    private final boolean percentHack;
    private final boolean appendAtMyorigin;
    private final boolean appendDotMydomain;
    private final String myorigin;
    private final String mydomain;

    Rewriter(MainCf cfg) {
        this.swapBangpath = cfg.get(Params.SWAP_BANGPATH);
        this.percentHack = cfg.get(Params.ALLOW_PERCENT_HACK);
        this.appendAtMyorigin = cfg.get(Params.APPEND_AT_MYORIGIN);
        this.appendDotMydomain = cfg.get(Params.APPEND_DOT_MYDOMAIN);
        this.myorigin = cfg.get(Params.MYORIGIN);
        this.mydomain = cfg.get(Params.MYDOMAIN);
    }

    /** {@code rule} is "local" (append our domain to bare names) or "remote" (leave them). */
    String rewrite(String rule, String address) {
        if (address.isEmpty()) return address;
        String a = address;
        if (a.indexOf('@') < 0) {
            int bang = a.indexOf('!');
            int pct = a.lastIndexOf('%');
            if (swapBangpath && bang > 0 && bang < a.length() - 1) {
                a = a.substring(bang + 1) + "@" + a.substring(0, bang);
            } else if (percentHack && pct > 0 && pct < a.length() - 1) {
                a = a.substring(0, pct) + "@" + a.substring(pct + 1);
            }
        }
        Addresses.Parts p = Addresses.split(a);
        if (!p.hasDomain()) {
            if (rule.equals("local") && appendAtMyorigin && !myorigin.isEmpty()) return a + "@" + myorigin;
            return a;
        }
        String domain = p.domain();
        if (domain.endsWith(".")) domain = domain.substring(0, domain.length() - 1);
        if (appendDotMydomain && !domain.isEmpty() && domain.indexOf('.') < 0 && !domain.startsWith("[")
                && !mydomain.isEmpty()) {
            domain = domain + "." + mydomain;
        }
        return p.local() + "@" + domain;
    }
}
