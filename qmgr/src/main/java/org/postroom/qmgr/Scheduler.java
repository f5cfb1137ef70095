package org.postroom.qmgr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.postroom.global.proto.deliver.DeliveryReply;
import org.postroom.global.proto.deliver.DeliveryReply.HopStatus;

/**
 * The per-destination scheduler: entries go into the {@link DestinationQueue} of their transport and
 * queue name, and each queue starts as many deliveries, each on its own virtual thread, as its window
 * allows. When a delivery finishes, its answer is the queue's feedback; a queue that dies hands back
 * its waiting entries to be deferred, and takes no new ones until minimal_backoff_time has passed
 * (qmgr_queue_throttle()'s timer) or the F trigger forgets dead destinations (qmgr_enable_all()). A
 * rate-limited queue pauses for its rate delay after each delivery. Queues with nothing to do are
 * forgotten, so that a destination starts again from the initial concurrency.
 *
 * <p>One lock guards the queues; deliveries and deferrals run outside it.
 */
final class Scheduler {

    /** One entry: recipients of one message for one destination. */
    interface Delivery {
        String transport();

        /** The destination queue's name ({@link DestinationQueue#queueName}). */
        String queueName();

        String nexthop();

        /** Delivers (on the entry's own thread) and says what the agent said about the destination. */
        Result attempt();

        /** Defers every recipient without an attempt: the destination is dead, for {@code why}. */
        void suspend(HopStatus why);
    }

    /** What a delivery said about its destination; no answer (the agent failed) says nothing. */
    record Result(boolean answered, Optional<HopStatus> hopStatus) {
        static final Result NO_ANSWER = new Result(false, Optional.empty());

        static Result of(DeliveryReply reply) {
            return new Result(true, reply.hopStatus());
        }
    }

    private final Function<String, Settings.Transport> transports;
    private final Duration deadPeriod;
    private final Map<String, DestinationQueue<Delivery>> queues = new HashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("qmgr-timers").daemon().factory());

    /**
     * @param transports the settings of a transport by name
     * @param deadPeriod how long a dead destination stays dead (minimal_backoff_time)
     */
    Scheduler(Function<String, Settings.Transport> transports, Duration deadPeriod) {
        this.transports = transports;
        this.deadPeriod = deadPeriod;
    }

    /** Queues the entries of one message together, and starts what the windows allow. */
    void submit(List<? extends Delivery> entries) {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            List<DestinationQueue<Delivery>> touched = new ArrayList<>();
            for (Delivery d : entries) {
                DestinationQueue<Delivery> q = queues.computeIfAbsent(key(d.transport(), d.queueName()), k -> create(d));
                Optional<HopStatus> dead = q.dead();
                if (dead.isPresent()) {
                    after.add(() -> d.suspend(dead.get()));
                    continue;
                }
                q.add(d);
                if (!touched.contains(q)) touched.add(q);
            }
            for (DestinationQueue<Delivery> q : touched) startable(q, after);
        }
        after.forEach(Runnable::run);
    }

    /** The F trigger: every dead destination gets another chance now. */
    void enableAll() {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            for (DestinationQueue<Delivery> q : List.copyOf(queues.values())) {
                if (q.throttled()) q.unthrottle();
                startable(q, after);
            }
        }
        after.forEach(Runnable::run);
    }

    /** The queue of a destination, for tests and diagnostics; null when there is none. */
    synchronized DestinationQueue<Delivery> queue(String transport, String queueName) {
        return queues.get(key(transport, queueName));
    }

    private DestinationQueue<Delivery> create(Delivery d) {
        Settings.Transport t = transports.apply(d.transport());
        return new DestinationQueue<>(d.transport(), d.queueName(), d.nexthop(), t.limits(), t.rateDelay().isPositive());
    }

    private static String key(String transport, String queueName) {
        return transport + "\0" + queueName;
    }

    /** Adds the deliveries the queue's window allows to {@code after}, and forgets the queue when idle. */
    private void startable(DestinationQueue<Delivery> q, List<Runnable> after) {
        Delivery d;
        while ((d = q.select()) != null) {
            Delivery started = d;
            after.add(() -> Thread.ofVirtual().name("deliver-" + q.transport() + "-" + q.name()).start(() -> run(q, started)));
        }
        if (q.idle()) queues.remove(key(q.transport(), q.name()), q);
    }

    private void run(DestinationQueue<Delivery> q, Delivery d) {
        Result r = Result.NO_ANSWER;
        try {
            r = d.attempt();
        } finally {
            finished(q, r);
        }
    }

    private void finished(DestinationQueue<Delivery> q, Result r) {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            DestinationQueue.Done<Delivery> done = q.done(r.answered(), r.hopStatus());
            if (done.died()) {
                HopStatus why = q.dead().orElseThrow();
                for (Delivery s : done.suspended()) after.add(() -> s.suspend(why));
                long death = q.deaths();
                timers.schedule(() -> deadPeriodOver(q, death), deadPeriod.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (done.paused()) {
                timers.schedule(() -> resume(q), transports.apply(q.transport()).rateDelay().toMillis(), TimeUnit.MILLISECONDS);
            }
            startable(q, after);
        }
        after.forEach(Runnable::run);
    }

    /** qmgr_queue_unthrottle_wrapper(): the dead period is over, unless the destination came back already. */
    private void deadPeriodOver(DestinationQueue<Delivery> q, long death) {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            if (!q.throttled() || q.deaths() != death) return;
            q.unthrottle();
            startable(q, after);
        }
        after.forEach(Runnable::run);
    }

    /** qmgr_queue_resume(): the rate delay is over. */
    private void resume(DestinationQueue<Delivery> q) {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            if (!q.suspended()) return;
            q.resume();
            startable(q, after);
        }
        after.forEach(Runnable::run);
    }
}
