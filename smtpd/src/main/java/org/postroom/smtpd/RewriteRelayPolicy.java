package org.postroom.smtpd;

import java.io.IOException;
import org.postroom.global.proto.rewrite.ResolveReply;
import org.postroom.global.proto.rewrite.RewriteClient;

/** The production {@link RelayPolicy}: trivial-rewrite's resolve service (smtpd_resolve.c). */
final class RewriteRelayPolicy implements RelayPolicy {
    private final RewriteClient resolver;

    RewriteRelayPolicy(RewriteClient resolver) {
        this.resolver = resolver;
    }

    @Override
    public boolean isOurDestination(String sender, String recipient) throws IOException {
        ResolveReply r = resolver.resolve(sender, recipient);
        if (r.failed()) throw new IOException("address resolution failed for " + recipient);
        return r.isOurDestination();
    }
}
