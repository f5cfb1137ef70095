package org.postroom.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline; tests never sleep for a fixed time. */
public final class WaitFor {
    private WaitFor() {}

    public static void condition(String what, Duration timeout, BooleanSupplier cond) {
        long until = System.nanoTime() + timeout.toNanos();
        long pause = 5;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
            pause = Math.min(pause * 2, 100);
        }
    }
}
