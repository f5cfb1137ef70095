package org.postroom.smtp;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The connection cache (scache(8) and smtp_reuse.c), kept inside the smtp(8) JVM: every delivery of
 * this transport runs in this process, so a session left open by one delivery can carry the next one
 * without a separate cache daemon or descriptor passing. A good session is stored under the endpoint
 * label (address:port) and, when it was the first good session of its request, under the next-hop
 * label; a session that authenticated with SASL only under the next-hop label. A stored session is
 * closed after smtp_connection_cache_time_limit idle; one older than smtp_connection_reuse_time_limit,
 * or used smtp_connection_reuse_count_limit times, is not stored again.
 */
final class SessionCache {
    private record Entry(SmtpSession session, long storedNanos, String destLabel, String endpointLabel) {}

    private final SmtpConfig.Cache cfg;
    private final Map<String, Deque<Entry>> byLabel = new HashMap<>();
    private final ScheduledExecutorService reaper;

    SessionCache(SmtpConfig.Cache cfg) {
        this.cfg = cfg;
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scache-reaper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, Math.min(1000, cfg.timeLimit().toMillis() / 2));
        reaper.scheduleWithFixedDelay(this::expire, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Whether this session may go into the cache once it has carried {@code moreUses} more
     * transactions (1 before a transaction, to decide whether to send QUIT; 0 after it).
     */
    boolean storable(SmtpSession s, int moreUses) {
        if (!s.reusable()) return false;
        if (s.ageNanos() >= cfg.reuseTimeLimit().toNanos()) return false;
        return cfg.reuseCountLimit() <= 0 || s.uses + moreUses < cfg.reuseCountLimit();
    }

    /** Stores an idle session; {@code destLabel} may be null (endpoint only). */
    synchronized void put(SmtpSession s, String destLabel) {
        String endpointLabel = s.saslUser != null ? null : s.endpoint.label();
        if (destLabel == null && endpointLabel == null) {
            s.close();
            return;
        }
        Entry e = new Entry(s, System.nanoTime(), destLabel, endpointLabel);
        if (destLabel != null) byLabel.computeIfAbsent("d:" + destLabel, k -> new ArrayDeque<>()).push(e);
        if (endpointLabel != null) byLabel.computeIfAbsent("e:" + endpointLabel, k -> new ArrayDeque<>()).push(e);
    }

    /** A stored session for the next hop, or null. */
    SmtpSession takeDestination(String destLabel) {
        return take("d:" + destLabel);
    }

    /** A stored session to this endpoint, or null. */
    SmtpSession takeEndpoint(Endpoint e) {
        return take("e:" + e.label());
    }

    private synchronized SmtpSession take(String key) {
        Deque<Entry> q = byLabel.get(key);
        if (q == null) return null;
        Entry e = q.poll();
        if (q.isEmpty()) byLabel.remove(key);
        if (e == null) return null;
        unlink(e);
        return e.session();
    }

    /** Removes {@code e} from its other label's list. */
    private void unlink(Entry e) {
        for (String key : new String[] {e.destLabel() == null ? null : "d:" + e.destLabel(),
                e.endpointLabel() == null ? null : "e:" + e.endpointLabel()}) {
            if (key == null) continue;
            Deque<Entry> q = byLabel.get(key);
            if (q == null) continue;
            q.remove(e);
            if (q.isEmpty()) byLabel.remove(key);
        }
    }

    private void expire() {
        long limit = cfg.timeLimit().toNanos();
        long now = System.nanoTime();
        java.util.List<SmtpSession> close = new java.util.ArrayList<>();
        synchronized (this) {
            for (Iterator<Map.Entry<String, Deque<Entry>>> it = byLabel.entrySet().iterator(); it.hasNext(); ) {
                Deque<Entry> q = it.next().getValue();
                for (Iterator<Entry> qi = q.iterator(); qi.hasNext(); ) {
                    Entry e = qi.next();
                    if (now - e.storedNanos() >= limit) {
                        qi.remove();
                        if (!close.contains(e.session())) close.add(e.session());
                    }
                }
                if (q.isEmpty()) it.remove();
            }
        }
        // scache closes an expired session without a word to the server
        for (SmtpSession s : close) s.close();
    }
}
