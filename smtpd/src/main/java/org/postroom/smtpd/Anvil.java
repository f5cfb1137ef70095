package org.postroom.smtpd;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Per-client connection counts and event rates for one smtpd service (anvil.c): how many sessions a
 * client address has open now, and how many connections, messages, recipients and AUTH commands it started in the
 * current anvil_rate_time_unit. Postfix keeps this in the anvil(8) server because its smtpd is many
 * processes; a Postroom service is one process, so the same table lives here, keyed like anvil's
 * ("service:address"). A rate counts from the first event of a time unit; when the unit has passed,
 * the next event starts a new one. Entries with no open session and an expired unit are dropped, so
 * the table holds no more than the clients seen in the last time unit.
 */
final class Anvil {
    /** What anvil_clnt_connect() reports: open sessions including this one, and the connection rate. */
    record Counts(int count, int rate) {}

    private static final class Entry {
        int count;
        long start;
        int connections;
        int messages;
        int recipients;
        int auths;
    }

    private final String service;
    private final long unitNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Entry> clients = new HashMap<>();
    private int sinceSweep;

    Anvil(String service, Duration rateTimeUnit, LongSupplier nanoTime) {
        this.service = service;
        this.unitNanos = Math.max(rateTimeUnit.toNanos(), 1);
        this.nanoTime = nanoTime;
    }

    Anvil(String service, Duration rateTimeUnit) {
        this(service, rateTimeUnit, System::nanoTime);
    }

    /** The master.cf service name, as the warnings name it. */
    String service() {
        return service;
    }

    /** A new session from {@code client}: counted until {@link #disconnect}. */
    synchronized Counts connect(String client) {
        Entry e = current(client);
        e.count++;
        e.connections++;
        return new Counts(e.count, e.connections);
    }

    synchronized void disconnect(String client) {
        Entry e = clients.get(client);
        if (e == null) return;
        if (e.count > 0) e.count--;
        if (e.count == 0 && expired(e, nanoTime.getAsLong())) clients.remove(client);
    }

    /** A MAIL FROM: the message rate including this one. */
    synchronized int message(String client) {
        return ++current(client).messages;
    }

    /** A RCPT TO: the recipient rate including this one. */
    synchronized int recipient(String client) {
        return ++current(client).recipients;
    }

    /** An AUTH command: the AUTH rate including this one (anvil_clnt_auth). */
    synchronized int auth(String client) {
        return ++current(client).auths;
    }

    synchronized int clients() {
        return clients.size();
    }

    private Entry current(String client) {
        long now = nanoTime.getAsLong();
        if (++sinceSweep >= 1000) sweep(now);
        Entry e = clients.computeIfAbsent(client, k -> {
            Entry n = new Entry();
            n.start = now;
            return n;
        });
        if (expired(e, now)) {
            e.start = now;
            e.connections = 0;
            e.messages = 0;
            e.recipients = 0;
            e.auths = 0;
        }
        return e;
    }

    private boolean expired(Entry e, long now) {
        return now - e.start >= unitNanos;
    }

    private void sweep(long now) {
        sinceSweep = 0;
        for (Iterator<Entry> it = clients.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.count == 0 && expired(e, now)) it.remove();
        }
    }
}
