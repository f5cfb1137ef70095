package org.postroom.tools.postqueue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.global.queue.QueueName;
import org.postroom.global.proto.showq.QueueEntry;
import org.postroom.global.proto.showq.QueueScanner;
import org.postroom.testkit.GoldenFiles;
import org.postroom.tools.testing.TestQueue;

/** Golden files for postqueue -p (mailq layout) and -j over queues built with RecordWriter (spec 5.1, 5.2). */
class ListingTest {
    @TempDir Path tmp;

    static List<Path> cases() {
        return GoldenFiles.cases(ListingTest.class);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void listing(Path in) {
        GoldenFiles.check(in, spec -> {
            try {
                Path dir = Files.createTempDirectory(tmp, "q");
                TestQueue q = new TestQueue(dir);
                q.load(spec);
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                PrintStream out = new PrintStream(b, true, StandardCharsets.UTF_8);
                QueueScanner s = new QueueScanner(q.queue, "MAILER-DAEMON", 8192);
                List<QueueEntry> entries = new ArrayList<>();
                s.scan(entries::add);
                // the scanner keeps the queue order; within a queue, directory order depends on the file system
                entries.sort(Comparator.comparing((QueueEntry e) -> QueueScanner.ORDER.indexOf(QueueName.of(e.queueName())))
                        .thenComparing(QueueEntry::queueId));
                Listing compat = new CompatFormat(out, false, ZoneOffset.UTC);
                entries.forEach(compat::entry);
                compat.end();
                out.print("=== postqueue -j\n");
                Listing json = new JsonFormat(out);
                entries.forEach(json::entry);
                json.end();
                return b.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
