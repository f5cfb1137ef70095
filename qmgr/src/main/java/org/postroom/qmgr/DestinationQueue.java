package org.postroom.qmgr;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postroom.global.proto.deliver.DeliveryReply.HopStatus;

/**
 * The in-memory queue of one destination of one transport (qmgr_queue.c, with the parts of qmgr_entry.c
 * and qmgr_deliver.c that change it): the entries waiting (todo), the number in delivery (busy), and the
 * {@link ConcurrencyWindow} that decides how many may be in delivery. Entries are whatever the caller
 * schedules; this class does no I/O, keeps no time and is not thread-safe (Scheduler holds the lock).
 */
final class DestinationQueue<E> {
    /** qmgr_deliver.c: what qmgr puts before the agent's hop status reason for mail it does not try. */
    static final String SUSPENDED = "delivery temporarily suspended: ";

    private final String transport;
    private final String name;
    private final String nexthop;
    private final boolean rateLimited;
    private final ConcurrencyWindow window;
    private final ArrayDeque<E> todo = new ArrayDeque<>();
    private int busy;
    private HopStatus dead;
    private long deaths;

    /** What a finished delivery changed. */
    record Done<E>(List<E> suspended, boolean died, boolean paused) {}

    DestinationQueue(String transport, String name, String nexthop, ConcurrencyWindow.Limits limits, boolean rateLimited) {
        this.transport = transport;
        this.name = name;
        this.nexthop = nexthop;
        this.rateLimited = rateLimited;
        this.window = new ConcurrencyWindow(limits);
    }

    String transport() {
        return transport;
    }

    String name() {
        return name;
    }

    String nexthop() {
        return nexthop;
    }

    int window() {
        return window.window();
    }

    int busy() {
        return busy;
    }

    int waiting() {
        return todo.size();
    }

    /** The reason mail for a dead destination is deferred with ("delivery temporarily suspended: ..."). */
    Optional<HopStatus> dead() {
        return Optional.ofNullable(dead);
    }

    /** Counts the dead periods, so that a timer set for an earlier one is recognised as stale. */
    long deaths() {
        return deaths;
    }

    boolean suspended() {
        return window.suspended();
    }

    /** Nothing waiting, nothing in delivery and no timer pending: the queue may be forgotten (qmgr_queue_done()). */
    boolean idle() {
        return window.ready() && todo.isEmpty() && busy == 0;
    }

    /** Queues an entry; a dead destination takes none (the caller defers them with {@link #dead()}). */
    void add(E entry) {
        if (window.throttled()) throw new IllegalStateException("add to dead queue " + name);
        todo.add(entry);
    }

    /** The next entry to deliver now, counted as busy; null when the window is full or nothing waits. */
    E select() {
        if (!window.ready() || busy >= window.window() || todo.isEmpty()) return null;
        busy++;
        return todo.poll();
    }

    /**
     * A delivery finished (qmgr_deliver_update(), then qmgr_entry_done()). {@code answered} is false when
     * the agent could not be reached or failed to reply: that says nothing about the destination. A hop
     * status is negative feedback; once the destination is dead, the entries still waiting are handed
     * back to be deferred. Otherwise the answer is positive feedback. A rate-limited destination then
     * pauses, and the caller resumes it after the rate delay.
     */
    Done<E> done(boolean answered, Optional<HopStatus> hop) {
        if (busy <= 0) throw new IllegalStateException("done without a busy entry in " + name);
        List<E> suspended = List.of();
        boolean died = false;
        if (answered && hop.isPresent()) {
            HopStatus why = suspendedReason(hop.get());
            if (window.ready() && window.throttle()) {
                dead = why;
                deaths++;
                died = true;
                suspended = new ArrayList<>(todo);
                todo.clear();
            }
        } else if (answered) {
            unthrottle();
        }
        busy--;
        boolean paused = false;
        if (rateLimited) {
            if (window.throttled()) unthrottle(); // Postfix's "XXX": the rate delay replaces the dead period
            if (window.ready()) {
                window.suspend();
                paused = true;
            }
        }
        return new Done<>(suspended, died, paused);
    }

    /** Positive feedback, or the end of the dead period (timer, or the F trigger); busy counts the finishing entry. */
    void unthrottle() {
        window.unthrottle(busy);
        if (!window.throttled()) dead = null;
    }

    /** The end of a rate-limited destination's pause. */
    void resume() {
        window.resume();
    }

    boolean throttled() {
        return window.throttled();
    }

    /** qmgr_deliver_update(): a status that is not a valid DSN becomes 4.0.0, and the reason gets the prefix. */
    static HopStatus suspendedReason(HopStatus hop) {
        String dsn = hop.dsn().matches("[245]\\.\\d{1,3}\\.\\d{1,3}") ? hop.dsn() : "4.0.0";
        return new HopStatus(dsn, SUSPENDED + hop.reason());
    }

    /**
     * The queue name (qmgr_message_resolve()): the next hop, or, when the transport takes one recipient per
     * delivery, the recipient's local part without its extension "@" the next hop, so that concurrency is
     * per recipient; always lower case. Not for the error and retry transports.
     */
    static String queueName(String transport, String nexthop, String recipient, int recipientLimit, String delimiters) {
        String name = nexthop;
        if (recipientLimit == 1 && !transport.equals("error") && !transport.equals("retry")) {
            int at = recipient.lastIndexOf('@');
            String local = at < 0 ? recipient : recipient.substring(0, at);
            name = baseOf(local, delimiters) + "@" + nexthop;
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** split_addr(): the local part before its extension; some names are never split. */
    private static String baseOf(String local, String delimiters) {
        if (delimiters.isEmpty()) return local;
        if (local.equalsIgnoreCase("postmaster") || local.equalsIgnoreCase("mailer-daemon")
                || local.equalsIgnoreCase("double-bounce")) return local;
        if (delimiters.indexOf('-') >= 0) {
            String lower = local.toLowerCase(Locale.ROOT);
            if (lower.startsWith("owner-") || (lower.length() > 8 && lower.endsWith("-request"))) return local;
        }
        int len = 0;
        while (len < local.length() && delimiters.indexOf(local.charAt(len)) < 0) len++;
        if (len == 0 || len == local.length()) return local;
        return local.substring(0, len);
    }

    @Override
    public String toString() {
        return transport + "/" + name + ": " + window + " busy " + busy + " todo " + todo.size();
    }
}
