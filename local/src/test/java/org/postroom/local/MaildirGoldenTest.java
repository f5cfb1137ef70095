package org.postroom.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
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
        GoldenFiles.check(in, text -> GoldenInput.deliver(tmp, text, "home_mailbox = Maildir/\n", (fx, req) -> {
            try (Stream<Path> s = Files.list(tmp.resolve("home/joe/Maildir/new"))) {
                List<Path> files = s.toList();
                assertEquals(1, files.size());
                return fx.read(files.getFirst());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }
}
