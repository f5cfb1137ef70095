package org.postroom.smtpd;

import java.io.IOException;
import org.postroom.global.proto.rewrite.ResolveReply;

/** What trivial-rewrite says about a recipient: its address class, transport and canonical form. */
interface RelayPolicy {
    /** The resolve reply for a recipient (after canonical rewriting); an unreachable resolver throws. */
    ResolveReply resolve(String sender, String recipient) throws IOException;

    /** Whether a recipient is in one of our address classes (local, virtual, relay_domains). */
    default boolean isOurDestination(String sender, String recipient) throws IOException {
        ResolveReply r = resolve(sender, recipient);
        if (r.failed()) throw new IOException("address resolution failed for " + recipient);
        return r.isOurDestination();
    }
}
