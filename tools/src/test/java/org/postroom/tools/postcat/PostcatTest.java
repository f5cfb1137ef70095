package org.postroom.tools.postcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.testkit.GoldenFiles;
import org.postroom.tools.testing.TestQueue;

/**
 * Golden files for postcat (spec 5.8): each case is a message line (TestQueue syntax) followed by the
 * postcat flag sets to print it with, one "flags:" line each; the output of every run is concatenated.
 */
class PostcatTest {
    @TempDir Path tmp;

    static List<Path> cases() {
        return GoldenFiles.cases(PostcatTest.class);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void postcat(Path in) {
        GoldenFiles.check(in, spec -> {
            try {
                TestQueue q = new TestQueue(Files.createTempDirectory(tmp, "q"));
                StringBuilder msgs = new StringBuilder();
                StringBuilder out = new StringBuilder();
                Path file = null;
                for (String line : spec.split("\n")) {
                    if (!line.startsWith("flags:")) {
                        msgs.append(line).append('\n');
                        continue;
                    }
                    if (file == null) file = q.load(msgs.toString());
                    String flags = line.substring(6).strip();
                    out.append("=== postcat -q ").append(flags).append('\n');
                    out.append(print(file, q.root.relativize(file).toString(), flags));
                }
                return out.toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static String print(Path file, String shown, String flags) throws IOException {
        int f = 0;
        boolean verbose = false;
        for (char c : flags.toCharArray()) {
            switch (c) {
                case 'b' -> f |= QueueFilePrinter.BODY;
                case 'h' -> f |= QueueFilePrinter.HEADER;
                case 'e' -> f |= QueueFilePrinter.ENV;
                case 'o' -> f |= QueueFilePrinter.OFFSET;
                case 'd' -> f |= QueueFilePrinter.DECIMAL;
                case 'v' -> verbose = true;
                default -> { }
            }
        }
        if ((f & (QueueFilePrinter.BODY | QueueFilePrinter.HEADER | QueueFilePrinter.ENV)) == 0) {
            f |= QueueFilePrinter.BODY | QueueFilePrinter.HEADER | QueueFilePrinter.ENV;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new QueueFilePrinter(b, f, verbose, ZoneOffset.UTC).print(Files.newInputStream(file), shown, 0);
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void notAQueueFile() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new QueueFilePrinter(b, QueueFilePrinter.ENV, false, ZoneOffset.UTC)
                .print(new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.US_ASCII)), "stdin", 0);
        assertEquals("", b.toString(StandardCharsets.UTF_8));
    }

    @Test
    void headerDetection() {
        assertTrue(QueueFilePrinter.isHeader("Subject: x".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(QueueFilePrinter.isHeader("X-Odd :x".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(!QueueFilePrinter.isHeader("not a header".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(!QueueFilePrinter.isHeader(": empty name".getBytes(StandardCharsets.US_ASCII)));
    }
}
