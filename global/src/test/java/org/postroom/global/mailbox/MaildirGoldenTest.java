package org.postroom.global.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.testkit.GoldenFiles;

/** Maildir bytes (spec 7.5): prepended headers and the message as is, no From_, no quoting, no blank line. */
class MaildirGoldenTest {
    @TempDir
    Path tmp;

    static List<Path> cases() {
        return GoldenFiles.cases(MaildirGoldenTest.class);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void maildir(Path in) {
        GoldenFiles.check(in, text -> {
            try {
                QueuedMessage.Golden g = QueuedMessage.Golden.parse(text);
                Message msg = QueuedMessage.write(tmp.resolve("qfile"), g.sender(), g.lines());
                Path dir = tmp.resolve("home/joe/Maildir");
                Maildir maildir = new Maildir(51200000, new Chown(false), "vm");
                assertEquals(Verdict.sent("delivered to maildir"), maildir.deliver(dir, new Owner(1000, 1000), msg, g.orig(),
                        "joe@mail.example.com", QueuedMessage.NOW.toInstant()));
                try (Stream<Path> s = Files.list(dir.resolve("new"))) {
                    List<Path> files = s.toList();
                    assertEquals(1, files.size());
                    return Files.readString(files.getFirst(), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
