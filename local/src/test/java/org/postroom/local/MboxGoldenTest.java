package org.postroom.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
        GoldenFiles.check(in, text -> GoldenInput.deliver(tmp, text, "", (fx, req) -> {
            try {
                return fx.read(fx.spool.resolve("joe"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }
}
