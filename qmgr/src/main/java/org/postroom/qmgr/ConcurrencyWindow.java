package org.postroom.qmgr;

/**
 * The concurrency window of one destination, Postfix's arithmetic (qmgr_queue.c, qmgr_queue_unthrottle()
 * and qmgr_queue_throttle()), with no I/O and no clock: the caller says what happened and keeps the time.
 *
 * <p>The window starts at the transport's initial destination concurrency. Each delivery that reports no
 * trouble with the destination adds the positive feedback to a success account; each full unit of it
 * grows the window by one, while the window is below the concurrency limit (0: none) and below the
 * deliveries in progress plus the initial concurrency. Each delivery that reports a hop status subtracts
 * the negative feedback from a failure account, and each unit shrinks the window by one, never below one;
 * it also adds 1/window to a failed-cohort count, and when that reaches the failed cohort limit (0: never)
 * the window becomes {@link #THROTTLED}: the destination is dead. A success, or the end of the dead
 * period, brings it back at the number of deliveries still in progress, else at the initial concurrency.
 * {@link #SUSPENDED} is the voluntary pause between deliveries of a rate-limited destination.
 */
final class ConcurrencyWindow {
    static final int THROTTLED = 0;
    static final int SUSPENDED = -1;

    /** A transport's settings for its destinations; {@code limit} 0 is unlimited, as are cohorts 0. */
    record Limits(int initial, int limit, Feedback positive, Feedback negative, int failedCohortLimit) {
        Limits {
            if (initial < 1 || limit < 0 || failedCohortLimit < 0) throw new IllegalArgumentException("bad limits");
            if (limit > 0 && initial > limit) initial = limit; // qmgr_transport_create()
        }
    }

    /** Postfix's hysteresis is fixed at 1 ("legacy"). */
    private static final int HYSTERESIS = 1;

    private final Limits limits;
    private int window;
    private double success;
    private double failure;
    private double failCohorts;

    ConcurrencyWindow(Limits limits) {
        this.limits = limits;
        this.window = limits.initial();
    }

    /** The window: the number of deliveries that may be in progress, or THROTTLED, or SUSPENDED. */
    int window() {
        return window;
    }

    boolean ready() {
        return window > 0;
    }

    boolean throttled() {
        return window == THROTTLED;
    }

    boolean suspended() {
        return window == SUSPENDED;
    }

    /**
     * Positive feedback, or the end of a dead period (qmgr_queue_unthrottle()). {@code busy} is the
     * number of deliveries in progress, the one that just finished included.
     */
    void unthrottle(int busy) {
        if (!ready() && !throttled()) throw new IllegalStateException("unthrottle a suspended window");
        failCohorts = 0;
        if (throttled()) {
            window = busy > 0 ? busy : limits.initial();
            success = failure = 0;
            return;
        }
        int limit = limits.limit();
        if ((limit == 0 || limit > window) && window < busy + limits.initial()) {
            double feedback = limits.positive().at(window);
            success += feedback;
            while (success + feedback / 2 >= HYSTERESIS) { // overshoot: feedback > hysteresis, rounding
                window += HYSTERESIS;
                success -= HYSTERESIS;
                failure = 0;
            }
            if (limit > 0 && window > limit) window = limit;
        }
    }

    /** Negative feedback (qmgr_queue_throttle()); true when it made the destination dead. */
    boolean throttle() {
        if (!ready()) throw new IllegalStateException("throttle a window that is not ready");
        failCohorts += 1.0 / window;
        if (limits.failedCohortLimit() > 0 && failCohorts >= limits.failedCohortLimit()) {
            window = THROTTLED;
            return true;
        }
        double feedback = limits.negative().at(window);
        failure -= feedback;
        while (failure - feedback / 2 < 0) {
            window -= HYSTERESIS;
            success = 0;
            failure += HYSTERESIS;
        }
        if (window < 1) window = 1;
        return false;
    }

    /** Pauses a rate-limited destination (qmgr_queue_suspend()). */
    void suspend() {
        if (!ready()) throw new IllegalStateException("suspend a window that is not ready");
        window = SUSPENDED;
    }

    /** Ends the pause (qmgr_queue_resume()): one delivery at a time again. */
    void resume() {
        if (!suspended()) throw new IllegalStateException("resume a window that is not suspended");
        window = 1;
    }

    @Override
    public String toString() {
        return "window " + window + " success " + success + " failure " + failure + " fail_cohorts " + failCohorts;
    }
}
