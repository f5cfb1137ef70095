package org.postroom.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.postroom.global.proto.deliver.DeliverRequest;

/**
 * Golden-file input: optional "#sender: x" and "#orig: x" lines, then the message content lines. The
 * message goes to joe@mail.example.com through a queue file and local(8).
 */
final class GoldenInput {
    private GoldenInput() {}

    static String deliver(Path tmp, String text, String mainCf, BiFunction<Fixture, DeliverRequest, String> result) {
        try {
            Fixture fx = new Fixture(tmp);
            List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
            if (text.endsWith("\n")) lines.removeLast();
            String sender = "alice@example.org";
            String orig = "joe@mail.example.com";
            while (!lines.isEmpty() && lines.getFirst().startsWith("#")) {
                String l = lines.removeFirst();
                if (l.startsWith("#sender:")) sender = l.substring(8).strip();
                if (l.startsWith("#orig:")) orig = l.substring(6).strip();
            }
            DeliverRequest req = fx.queueFile(sender, List.of(new Fixture.Rcpt(orig, "joe@mail.example.com")), lines);
            var status = fx.local(mainCf).deliver(req);
            if (status.size() != 1 || !status.getFirst().dsn().equals("2.0.0")) throw new AssertionError(status.toString());
            return result.apply(fx, req);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
