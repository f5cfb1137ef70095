package org.postroom.local;

import java.io.IOException;
import org.postroom.global.proto.rewrite.ResolveReply;
import org.postroom.global.proto.rewrite.RewriteClient;

/** Canonical form and route of an address from an alias, include or .forward file (local/resolve.c). */
interface AddressResolver {
    /** Rewrites {@code address} in the local context, then resolves it; an unreachable resolver throws. */
    ResolveReply resolve(String address) throws IOException;

    /** trivial-rewrite over private/rewrite. */
    static AddressResolver of(RewriteClient client) {
        return address -> client.resolve("", client.rewrite("local", address));
    }
}
