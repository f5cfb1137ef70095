package org.postroom.service;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stress-adaptive behaviour (master_avail.c, STRESS_README): when every session slot of a public
 * internet service is taken, the service is "under stress" for the next 1000 seconds, renewed while
 * it stays full. Postfix's master starts new server processes with "-o stress=yes" in that time; a
 * Postroom service is one process, so new sessions pick their stressed settings (smtpd_timeout 10s,
 * smtpd_hard_error_limit 1, ...) from here instead. Local-only services and those with a process
 * limit of 1 never get stressed, as in Postfix.
 */
public final class Stress {
    static final Duration PULSE = Duration.ofSeconds(1000);

    private final boolean eligible;
    private final LongSupplier nanoTime;
    private volatile long expires;
    private volatile boolean ever;

    public Stress(boolean eligible, LongSupplier nanoTime) {
        this.eligible = eligible;
        this.nanoTime = nanoTime;
    }

    /** A service that is never stressed. */
    public static Stress never() {
        return new Stress(false, System::nanoTime);
    }

    /** Whether the service may be stressed at all (public inet service with a process limit above 1). */
    public boolean eligible() {
        return eligible;
    }

    /** The last free slot was just taken: stress for the next 1000 seconds. */
    void pulse() {
        if (!eligible) return;
        expires = nanoTime.getAsLong() + PULSE.toNanos();
        ever = true;
    }

    /** Whether new sessions should run with stress=yes. */
    public boolean active() {
        return ever && nanoTime.getAsLong() - expires < 0;
    }
}
