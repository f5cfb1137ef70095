package org.postroom.global.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.testkit.GoldenFiles;

/** mbox bytes (spec 7.4): From_ line, prepended headers, From_ quoting, trailing blank line. */
class MboxGoldenTest {
    @TempDir
    Path tmp;

    static List<Path> cases() {
        return GoldenFiles.cases(MboxGoldenTest.class);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void mailbox(Path in) {
        GoldenFiles.check(in, text -> {
            try {
                QueuedMessage.Golden g = QueuedMessage.Golden.parse(text);
                Message msg = QueuedMessage.write(tmp.resolve("qfile"), g.sender(), g.lines());
                Path box = tmp.resolve("joe");
                MailboxLock.Settings lock = new MailboxLock.Settings(true, true, 3, Duration.ofSeconds(1), Duration.ofSeconds(500));
                Mbox mbox = new Mbox(lock, 51200000, new Chown(false));
                assertEquals(Verdict.sent("delivered to mailbox"), mbox.deliver(box, new Owner(1000, 1000), msg, g.orig(),
                        "joe@mail.example.com", QueuedMessage.NOW, "cannot update mailbox " + box + ". ", "delivered to mailbox"));
                return Files.readString(box, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
