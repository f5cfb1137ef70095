package org.postroom.tools.postsuper;

/** What postsuper did, for its summary lines (postsuper.c's global counters). */
final class Counts {
    int requeued;
    int deleted;
    int held;
    int released;
    int expired;
    int inodeFixed;
    int inodeMismatch;
    int positionMismatch;

    /** "N message" or "N messages", as postsuper prints its summaries. */
    static String messages(int n) {
        return n + " message" + (n == 1 ? "" : "s");
    }
}
