package org.postroom.qmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postroom.global.proto.deliver.DeliveryReply.HopStatus;
import org.postroom.testkit.WaitFor;

/** The scheduler with real threads and fake deliveries that wait until the test lets them finish. */
class SchedulerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HopStatus REFUSED = new HopStatus("4.4.1", "connect to x[127.0.0.1]:25: Connection refused");

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final ConcurrentLinkedQueue<Long> startTimes = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> suspended = new ConcurrentLinkedQueue<>();
    private final Semaphore go = new Semaphore(0);

    /** A delivery to "dest" that waits for a permit (when {@code waits}) and then reports {@code result}. */
    private final class Fake implements Scheduler.Delivery {
        final String name;
        final Scheduler.Result result;
        final boolean waits;

        Fake(String name, Scheduler.Result result, boolean waits) {
            this.name = name;
            this.result = result;
            this.waits = waits;
        }

        @Override
        public String transport() {
            return "smtp";
        }

        @Override
        public String queueName() {
            return "dest";
        }

        @Override
        public String nexthop() {
            return "dest";
        }

        @Override
        public Scheduler.Result attempt() {
            started.incrementAndGet();
            startTimes.add(System.nanoTime());
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                if (waits && !go.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("never let go");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                inFlight.decrementAndGet();
            }
            return result;
        }

        @Override
        public void suspend(HopStatus why) {
            suspended.add(name + ": " + why.dsn() + " " + why.reason());
        }
    }

    private static Scheduler.Result ok() {
        return new Scheduler.Result(true, Optional.empty());
    }

    private static Scheduler scheduler(int initial, int limit, Duration rateDelay, Duration deadPeriod) {
        Settings.Transport t = new Settings.Transport(new ConcurrencyWindow.Limits(initial, limit, Feedback.ONE, Feedback.ONE, 1), 50, rateDelay);
        return new Scheduler(name -> t, deadPeriod);
    }

    private List<Fake> fakes(int n, Scheduler.Result r, boolean waits) {
        List<Fake> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new Fake("m" + i, r, waits));
        return out;
    }

    @Test
    void slowStartThenTheLimit() {
        Scheduler s = scheduler(2, 3, Duration.ZERO, Duration.ofHours(1));
        s.submit(fakes(8, ok(), true));
        WaitFor.condition("two started", WAIT, () -> started.get() == 2);
        assertEquals(2, inFlight.get());
        go.release(); // one success: the window grows to 3, two more start
        WaitFor.condition("four started", WAIT, () -> started.get() == 4 && inFlight.get() == 3);
        go.release(); // at the limit: one more for the one done
        WaitFor.condition("five started", WAIT, () -> started.get() == 5 && inFlight.get() == 3);
        go.release(8);
        WaitFor.condition("all done", WAIT, () -> started.get() == 8 && inFlight.get() == 0);
        assertEquals(3, maxInFlight.get());
        WaitFor.condition("the idle queue forgotten", WAIT, () -> s.queue("smtp", "dest") == null);
    }

    @Test
    void aDeadDestinationDefersWhatWaitsAndWhatComesUntilTheDeadPeriodIsOver() {
        Scheduler s = scheduler(1, 20, Duration.ZERO, Duration.ofMillis(300));
        Scheduler.Result refused = new Scheduler.Result(true, Optional.of(REFUSED));
        List<Fake> first = fakes(3, refused, true);
        s.submit(first);
        WaitFor.condition("one started", WAIT, () -> started.get() == 1);
        long before = System.nanoTime();
        go.release();
        String why = "4.4.1 delivery temporarily suspended: connect to x[127.0.0.1]:25: Connection refused";
        WaitFor.condition("the waiting ones deferred", WAIT, () -> suspended.size() == 2);
        assertEquals(List.of("m1: " + why, "m2: " + why), List.copyOf(suspended));
        s.submit(List.of(new Fake("new", ok(), false)));
        // either still dead (deferred) or already back (delivered), never both
        WaitFor.condition("the dead period over", WAIT, () -> s.queue("smtp", "dest") == null);
        assertTrue(System.nanoTime() - before >= Duration.ofMillis(300).toNanos());
        s.submit(List.of(new Fake("later", ok(), false)));
        WaitFor.condition("tried again", WAIT, () -> started.get() == 1 + (suspended.size() == 3 ? 1 : 2));
        assertEquals(1 + (suspended.size() == 3 ? 1 : 2), started.get());
    }

    @Test
    void theFTriggerForgetsDeadDestinations() {
        Scheduler s = scheduler(1, 20, Duration.ZERO, Duration.ofHours(1));
        s.submit(List.of(new Fake("a", new Scheduler.Result(true, Optional.of(REFUSED)), false)));
        WaitFor.condition("dead", WAIT, () -> s.queue("smtp", "dest") != null && s.queue("smtp", "dest").dead().isPresent());
        s.submit(List.of(new Fake("b", ok(), false)));
        assertEquals(1, suspended.size());
        s.enableAll();
        s.submit(List.of(new Fake("c", ok(), false)));
        WaitFor.condition("c delivered", WAIT, () -> started.get() == 2 && s.queue("smtp", "dest") == null);
        assertEquals(1, suspended.size());
    }

    @Test
    void aRateDelaySpacesTheDeliveries() {
        Duration delay = Duration.ofMillis(150);
        Scheduler s = scheduler(1, 1, delay, Duration.ofHours(1)); // a rate delay makes the limit 1 (Settings)
        s.submit(fakes(3, ok(), false));
        WaitFor.condition("three delivered", WAIT, () -> started.get() == 3 && s.queue("smtp", "dest") == null);
        assertEquals(1, maxInFlight.get());
        List<Long> t0 = List.copyOf(startTimes);
        for (int i = 1; i < t0.size(); i++) assertTrue(t0.get(i) - t0.get(i - 1) >= delay.toNanos(), "gap " + i);
    }
}
