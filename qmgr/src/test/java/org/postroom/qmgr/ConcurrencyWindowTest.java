package org.postroom.qmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The window arithmetic of qmgr_queue.c, step by step. */
class ConcurrencyWindowTest {
    private static final Feedback PER_WINDOW = new Feedback(1, true);

    private static ConcurrencyWindow window(int initial, int limit, Feedback pos, Feedback neg, int cohorts) {
        return new ConcurrencyWindow(new ConcurrencyWindow.Limits(initial, limit, pos, neg, cohorts));
    }

    @Test
    void startsAtTheInitialConcurrencyAndGrowsByOnePerSuccessToTheLimit() {
        ConcurrencyWindow w = window(5, 20, Feedback.ONE, Feedback.ONE, 1);
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            seen.add(w.window());
            w.unthrottle(w.window()); // a full window in delivery
        }
        assertEquals(List.of(5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 20), seen);
    }

    @Test
    void growthStopsAtBusyPlusInitial() {
        ConcurrencyWindow w = window(5, 20, Feedback.ONE, Feedback.ONE, 1);
        for (int i = 0; i < 5; i++) w.unthrottle(1);
        assertEquals(6, w.window());
    }

    @Test
    void noLimitMeansUnbounded() {
        ConcurrencyWindow w = window(5, 0, Feedback.ONE, Feedback.ONE, 1);
        for (int i = 0; i < 30; i++) w.unthrottle(w.window());
        assertEquals(35, w.window());
    }

    @Test
    void theLimitCapsTheInitialConcurrency() {
        assertEquals(2, window(5, 2, Feedback.ONE, Feedback.ONE, 1).window());
    }

    @Test
    void perWindowPositiveFeedbackTakesAWindowOfSuccessesPerStep() {
        ConcurrencyWindow w = window(5, 20, PER_WINDOW, PER_WINDOW, 1);
        int successes = 0;
        while (w.window() < 7) {
            w.unthrottle(w.window());
            successes++;
        }
        assertEquals(5 + 6, successes);
    }

    @Test
    void negativeFeedbackShrinksTheWindowToOne() {
        // the failure account starts at 0, so the first full unit of negative feedback takes two steps
        // (qmgr_queue_throttle(): failure -= 1, then while (failure - 1/2 < 0) { window--; failure++; })
        ConcurrencyWindow w = window(5, 20, Feedback.ONE, Feedback.ONE, 0); // 0: never dead
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            assertFalse(w.throttle());
            seen.add(w.window());
        }
        assertEquals(List.of(3, 2, 1, 1, 1, 1), seen);
    }

    @Test
    void aFailedCohortKillsTheDestination() {
        // 1/5 + 1/3 + 1/2 >= 1: the third failure in a row, as the window shrinks from 5 to 3 to 2
        ConcurrencyWindow w = window(5, 20, Feedback.ONE, Feedback.ONE, 1);
        List<Boolean> died = new ArrayList<>();
        for (int i = 0; i < 3; i++) died.add(w.throttle());
        assertEquals(List.of(false, false, true), died);
        assertTrue(w.throttled());
        assertEquals(ConcurrencyWindow.THROTTLED, w.window());
    }

    @Test
    void withPerWindowNegativeFeedbackItTakesAWholeWindow() {
        ConcurrencyWindow w = window(5, 20, Feedback.ONE, PER_WINDOW, 1);
        List<Boolean> died = new ArrayList<>();
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            died.add(w.throttle());
            seen.add(w.window());
        }
        assertEquals(List.of(false, false, false, false, true), died);
        assertEquals(List.of(4, 4, 4, 3, 0), seen);
    }

    @Test
    void aSuccessBetweenFailuresStartsTheCohortAgain() {
        ConcurrencyWindow w = window(2, 20, Feedback.ONE, Feedback.ONE, 1);
        assertFalse(w.throttle()); // 1/2, window 1
        w.unthrottle(1); // cohort count back to 0, window 2
        assertEquals(2, w.window());
        assertFalse(w.throttle());
        assertFalse(w.throttled());
        assertTrue(w.throttle()); // 1/2 + 1/1
    }

    @Test
    void backFromTheDeadAtTheBusyCountElseTheInitialConcurrency() {
        ConcurrencyWindow w = window(1, 20, Feedback.ONE, Feedback.ONE, 1);
        assertTrue(w.throttle());
        w.unthrottle(3);
        assertEquals(3, w.window());
        assertTrue(window(1, 20, Feedback.ONE, Feedback.ONE, 1).throttle());
        ConcurrencyWindow v = window(4, 20, Feedback.ONE, Feedback.ONE, 1);
        while (!v.throttle()) { }
        v.unthrottle(0);
        assertEquals(4, v.window());
        v.unthrottle(4);
        assertEquals(5, v.window()); // and feedback works as before
    }

    @Test
    void suspendedUntilResumedThenOneAtATime() {
        ConcurrencyWindow w = window(1, 1, Feedback.ONE, Feedback.ONE, 1);
        w.suspend();
        assertTrue(w.suspended());
        assertFalse(w.ready());
        w.resume();
        assertEquals(1, w.window());
    }
}
