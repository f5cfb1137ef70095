package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.WaitFor;

/** Issue 2, point 3: sendmail -t while the system is down; the message waits in maildrop and is delivered after start. */
class SendmailPickupIT {
    @Test
    void submissionWhileDownIsDeliveredAfterStart() throws Exception {
        try (MailSystem m = MailSystem.create("")) {
            // The queue tree exists only once master created it: start and stop once, as an installed system would be.
            m.start();
            m.stop();
            String user = MailSystem.localUser();
            String msg = "To: " + user + "@localhost\nSubject: sent while down\n\nbody line\n.dot line\n";
            MailSystem.Result r = m.tool("sendmail", msg, "-t", "-i");
            assertEquals(0, r.status(), r.stderr());
            try (Stream<Path> s = Files.list(m.root().resolve("queue/maildrop"))) {
                assertEquals(1, s.count(), "the message waits in maildrop");
            }
            m.start();
            Path maildir = m.spoolMaildir(user);
            WaitFor.condition("delivery after start", Duration.ofSeconds(60),
                    () -> LocalDeliveryIT.find(maildir, "Subject: sent while down") != null);
            String got = Files.readString(LocalDeliveryIT.find(maildir, "Subject: sent while down"));
            assertTrue(got.contains("Received: by mail.example.com (Postfix, from userid "), got);
            assertTrue(got.contains("\nMessage-Id: <") && got.contains("\nDate: ") && got.contains("\nFrom: "), got);
            assertTrue(got.endsWith("\n\nbody line\n.dot line\n"), got);
            assertTrue(m.log().matches("(?s).*postfix/pickup\\[\\d+\\]: \\w+: uid=\\d+ from=<[^>]+>.*"), m.log());
        }
    }
}
