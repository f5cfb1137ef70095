package org.postroom.tools.sendmail;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.postroom.global.ipc.IpcChannel;

/**
 * Wakes pickup after a submission: one {@code W} on {@code public/pickup} (mail_trigger). When the mail
 * system is down nothing happens; the file waits in maildrop until pickup's next scan.
 */
final class PickupTrigger {
    private PickupTrigger() {}

    static void wake(Path queueDirectory, Duration timeout) {
        try (IpcChannel ch = IpcChannel.connect(queueDirectory.resolve("public/pickup"), Duration.ZERO)) {
            ch.deadline(timeout);
            ch.out().write('W');
            ch.out().flush();
        } catch (IOException e) {
            // the mail system is down, or public/ is closed to us: pickup finds the file on its next scan
        }
    }
}
