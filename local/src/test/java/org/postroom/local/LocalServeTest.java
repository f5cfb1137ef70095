package org.postroom.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.IpcChannel;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryStatus;
import org.postroom.global.proto.deliver.DeliveryStatus.Outcome;

/** The delivery protocol end to end over a real Unix-domain socket, as qmgr speaks it. */
class LocalServeTest {
    @TempDir
    Path tmp;

    @Test
    void greetsThenAnswersEachRequestUntilHangUp() throws Exception {
        Fixture fx = new Fixture(tmp);
        Local local = fx.local("");
        Path socket = tmp.resolve("local.sock");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread agent = Thread.ofVirtual().start(() -> {
                try (SocketChannel ch = server.accept(); IpcChannel ipc = new IpcChannel(ch)) {
                    local.converse(ipc.in(), ipc.out());
                } catch (IOException | RuntimeException e) {
                    failure.set(e);
                }
            });
            try (IpcChannel qmgr = IpcChannel.connect(socket, Duration.ofSeconds(5))) {
                qmgr.attrReader().read().expect(AttrNames.PROTOCOL, AttrNames.PROTO_DELIVER);

                DeliverRequest first = fx.queueFile("alice@example.org", List.of(
                        new Fixture.Rcpt("joe", "joe@mail.example.com"),
                        new Fixture.Rcpt("", "nosuch@mail.example.com")), Fixture.SIMPLE);
                first.writeTo(qmgr.attrWriter());
                List<DeliveryStatus> st = DeliveryStatus.readAll(qmgr.attrReader().read());
                long joe = first.recipients().get(0).offset();
                long nosuch = first.recipients().get(1).offset();
                assertEquals(List.of(new DeliveryStatus(joe, Outcome.SENT, "2.0.0", "delivered to mailbox"),
                        new DeliveryStatus(nosuch, Outcome.BOUNCED, "5.1.1", "unknown user: \"nosuch\"")), st);
                assertEquals('D', fx.recordType(first, joe));
                assertEquals('D', fx.recordType(first, nosuch));

                Files.delete(fx.aliases);
                DeliverRequest second = fx.queueFile("", "ann@mail.example.com", Fixture.SIMPLE);
                second.writeTo(qmgr.attrWriter());
                st = DeliveryStatus.readAll(qmgr.attrReader().read());
                long ann = second.recipients().getFirst().offset();
                assertEquals(List.of(new DeliveryStatus(ann, Outcome.DEFERRED, "4.3.0", "alias database unavailable")), st);
                assertEquals('R', fx.recordType(second, ann));
            }
            agent.join(Duration.ofSeconds(10));
            assertFalse(agent.isAlive());
            assertNull(failure.get());
        }
        String box = fx.read(fx.spool.resolve("joe"));
        assertEquals(0, box.indexOf("From alice@example.org  Sat Nov 21 19:09:35 2026\nReturn-Path: <alice@example.org>\n"
                + "X-Original-To: joe\nDelivered-To: joe@mail.example.com\n"));
    }
}
