package org.postroom.global.proto.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.IpcChannel;
import org.postroom.global.record.Record;
import org.postroom.global.record.RecordReader;
import org.postroom.global.record.RecordType;

/** A notice through a stand-in cleanup(8) on a real socket, and one while cleanup is not there. */
class NoticePosterTest {
    private static NoticePoster poster(Path dir) {
        return new NoticePoster(dir, "double-bounce@mail.example.com", "mail.example.com", "Postfix", Duration.ofSeconds(10));
    }

    @Test
    void postsTheEnvelopeOurHeadersAndTheLines(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("public"));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(dir.resolve("public/cleanup")));
            CompletableFuture<List<String>> seen = CompletableFuture.supplyAsync(() -> {
                try (IpcChannel c = new IpcChannel(server.accept())) {
                    c.attrWriter().attr(AttrNames.PROTOCOL, AttrNames.PROTO_CLEANUP).attr(AttrNames.QUEUE_ID, "4ABCD12345").end();
                    c.out().flush();
                    List<String> out = new ArrayList<>();
                    out.add("flags=" + c.attrReader().read().require(AttrNames.FLAGS));
                    RecordReader r = new RecordReader(c.in());
                    while (true) {
                        Record rec = r.next(1 << 16);
                        out.add(rec.type().code + " " + rec.text());
                        if (rec.type() == RecordType.END) break;
                    }
                    c.attrWriter().attr(AttrNames.STATUS, 0).attr(AttrNames.REASON, "").end();
                    c.out().flush();
                    return out;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            CleanupStatus st = poster(dir).post("postmaster", List.of("From: x", "", "body " + "y".repeat(3000)));
            assertTrue(st != null && st.ok(), String.valueOf(st));
            List<String> r = seen.get(10, TimeUnit.SECONDS);
            assertEquals("flags=0", r.get(0));
            assertTrue(r.get(1).matches("T \\d+ \\d+"), r.get(1));
            assertEquals(List.of("A log_message_origin=local", "A trace_flags=0", "S double-bounce@mail.example.com", "R postmaster", "M ",
                    "N Received: by mail.example.com (Postfix)"), r.subList(2, 8));
            assertTrue(r.get(8).matches("N \tid 4ABCD12345; \\w{3}, [ \\d]\\d \\w{3} \\d{4} .*"), r.get(8));
            assertTrue(r.get(9).startsWith("N Date: "), r.get(9));
            assertEquals(List.of("N From: x", "N ", "L body " + "y".repeat(2043), "N " + "y".repeat(957), "X ", "E "),
                    r.subList(10, r.size()));
        }
    }

    @Test
    void cleanupDownIsNotWaitedFor(@TempDir Path dir) {
        long t0 = System.nanoTime();
        assertNull(poster(dir).post("postmaster", List.of("From: x")));
        // one connect attempt, not the ten seconds a normal submission waits for cleanup
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
    }
}
