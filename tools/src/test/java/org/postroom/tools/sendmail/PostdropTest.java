package org.postroom.tools.sendmail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.record.Record;
import org.postroom.global.record.RecordReader;
import org.postroom.global.record.RecordType;
import org.postroom.testkit.GoldenFiles;
import org.postroom.util.Printable;

/**
 * Golden files: each {@code <case>.in} starts with {@code # sendmail <args>} and optional
 * {@code # name=value} limits, then the message on standard input; {@code <case>.ref} is the maildrop
 * file it produced, one record per line, or the fatal error.
 */
class PostdropTest {
    @TempDir
    Path queueDir;

    static List<Path> cases() {
        return GoldenFiles.cases(PostdropTest.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void maildropFile(Path in) {
        GoldenFiles.check(in, this::run);
    }

    private String run(String input) {
        try {
            Files.createDirectories(queueDir.resolve("maildrop"));
            String args = "";
            int lineLimit = 2048;
            long sizeLimit = 10240000;
            while (input.startsWith("# ")) {
                int nl = input.indexOf('\n');
                String d = input.substring(2, nl);
                input = input.substring(nl + 1);
                if (d.startsWith("sendmail")) args = d.substring(8).strip();
                else if (d.startsWith("line_length_limit=")) lineLimit = Integer.parseInt(d.substring(18));
                else if (d.startsWith("message_size_limit=")) sizeLimit = Long.parseLong(d.substring(19));
            }
            Invocation inv = SendmailOptionsTest.parse(args);
            Postdrop pd = new Postdrop(new MailQueue(queueDir, List.of(), 1), new Postdrop.Limits(lineLimit, 102400, sizeLimit), 0);
            InputStream stdin = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
            MessageReader.Mode mode = inv.dotEnds() ? MessageReader.Mode.DOT_ENDS : MessageReader.Mode.PLAIN;
            try {
                Postdrop.Envelope env = Submitter.envelope(inv, 0, "root", null);
                if (inv.probe()) pd.probe(env, inv.recipients());
                else pd.drop(env, stdin, mode, inv.extract());
            } catch (Fatal f) {
                assertEquals(List.of(), files());
                return "fatal: " + f.getMessage() + "\n";
            }
            List<Path> files = files();
            assertEquals(1, files.size());
            return "mode " + PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))) + "\n"
                    + render(files.get(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Fatal f) {
            throw new AssertionError(f);
        }
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(queueDir.resolve("maildrop"))) {
            return s.toList();
        }
    }

    /** One line per record: the type letter and the data, with T masked and control bytes escaped. */
    static String render(Path file) throws IOException {
        StringBuilder b = new StringBuilder();
        try (InputStream in = Files.newInputStream(file)) {
            RecordReader r = new RecordReader(in);
            Record rec;
            while ((rec = r.next(0)) != null) {
                String data = rec.type() == RecordType.TIME ? "<sec> <usec>" : Printable.escape(rec.data(), 0, rec.data().length);
                b.append(rec.type().code).append(' ').append(data).append('\n');
            }
        }
        return b.toString();
    }
}
