package org.postroom.service;

import java.io.IOException;

/**
 * A wake-up with no conversation (pickup, qmgr). The client writes trigger bytes and closes; the skeleton
 * coalesces pending triggers and never runs two wake-ups at once.
 */
public non-sealed interface TriggerService extends Service {
    /** Handles the distinct trigger bytes received since the last call (e.g. "I", "DA", "W"). */
    void wakeup(String triggers) throws IOException;

    /** Called once after start-up, before any trigger, on the trigger thread. */
    default void start() throws IOException {}
}
