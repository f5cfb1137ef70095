package org.postroom.tools.postsuper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.postroom.global.queue.MasterPid;

/**
 * Keeps postsuper from pulling a message out from under a delivery in progress. Postroom's delivery
 * agents mark recipients done through the file's name, so moving an active file while an agent works
 * on it could deliver a recipient twice. When the mail system runs, hold and requeue therefore wait
 * (for at most {@link #LIMIT} per command) until qmgr has finished with the message and moved it on,
 * then act on it where it went; a message still in delivery when the limit runs out is left alone, with
 * a warning, and can be held or requeued again later. Deletion does not wait: removing a file loses nothing that was asked
 * to be kept. When the system is down, active files are inert and are handled at once.
 */
final class ActiveGuard {
    static final Duration LIMIT = Duration.ofSeconds(30);

    private final boolean running;
    private long deadline;

    ActiveGuard(Path queueDir) {
        boolean r;
        try {
            r = MasterPid.running(queueDir).isPresent();
        } catch (IOException e) {
            r = false;
        }
        this.running = r;
    }

    boolean running() {
        return running;
    }

    /** What waiting for an active file came to. */
    enum Wait {
        /** qmgr is done with it and moved it on: look for it where it went. */
        LEFT,
        /** The mail system is down: the file is inert, act on it where it is. */
        INERT,
        /** Still in delivery when the time limit ran out: leave it alone. */
        BUSY
    }

    /** Waits (within this command's time limit) until {@code activeFile} is gone. */
    Wait awaitLeave(Path activeFile) {
        if (!running) return Wait.INERT;
        if (deadline == 0) deadline = System.nanoTime() + LIMIT.toNanos();
        while (Files.exists(activeFile)) {
            if (System.nanoTime() > deadline) return Wait.BUSY;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Wait.BUSY;
            }
        }
        return Wait.LEFT;
    }
}
