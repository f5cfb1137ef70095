package org.postroom.smtpd;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.postroom.global.proto.rewrite.ResolveReply;
import org.postroom.global.proto.rewrite.RewriteClient;

/**
 * The production {@link RelayPolicy} (smtpd_resolve.c): the recipient is rewritten to canonical form in
 * the local context, then resolved by trivial-rewrite. Good answers are cached for a few seconds, as
 * several restrictions ask about the same recipient; failures are not cached.
 */
final class RewriteRelayPolicy implements RelayPolicy {
    private static final long TTL_MILLIS = 10_000;
    private static final int MAX_ENTRIES = 1000;

    private record Cached(ResolveReply reply, long expires) {}

    private final RewriteClient resolver;
    private final Map<String, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    RewriteRelayPolicy(RewriteClient resolver) {
        this.resolver = resolver;
    }

    @Override
    public ResolveReply resolve(String sender, String recipient) throws IOException {
        long now = System.currentTimeMillis();
        synchronized (cache) {
            Cached e = cache.get(recipient);
            if (e != null && e.expires() > now) return e.reply();
        }
        String canonical = resolver.rewrite("local", recipient);
        ResolveReply r = resolver.resolve(sender, canonical);
        r = new ResolveReply(r.transport(), r.nexthop(), r.recipient().toLowerCase(Locale.ROOT), r.flags());
        if (!r.failed()) {
            synchronized (cache) {
                cache.put(recipient, new Cached(r, now + TTL_MILLIS));
            }
        }
        return r;
    }
}
