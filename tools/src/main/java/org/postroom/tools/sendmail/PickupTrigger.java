package org.postroom.tools.sendmail;

import java.nio.file.Path;
import java.time.Duration;
import org.postroom.global.ipc.Trigger;

/**
 * Wakes pickup after a submission: one {@code W} on {@code public/pickup} (mail_trigger). When the mail
 * system is down nothing happens; the file waits in maildrop until pickup's next scan.
 */
final class PickupTrigger {
    private PickupTrigger() {}

    static void wake(Path queueDirectory, Duration timeout) {
        // false when the mail system is down or public/ is closed to us: pickup finds the file on its next scan
        Trigger.send(queueDirectory.resolve("public/pickup"), "W", timeout);
    }
}
