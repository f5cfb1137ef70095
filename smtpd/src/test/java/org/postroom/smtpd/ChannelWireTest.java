package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.ipc.IpcChannel;

class ChannelWireTest {
    /** A closed session leaves no timer behind (it used to keep every connection reachable for smtpd_timeout). */
    @Test
    void closingTheWireCancelsItsTimer(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            int before = ChannelWire.queuedTimers();
            for (int i = 0; i < 100; i++) {
                try (IpcChannel c = IpcChannel.connect(sock, Duration.ofSeconds(1)); var peer = server.accept();
                     ChannelWire w = new ChannelWire(c)) {
                    w.deadline(Duration.ofMinutes(5));
                    w.deadline(Duration.ofMinutes(5));
                    assertEquals(true, peer.isOpen());
                }
            }
            assertEquals(before, ChannelWire.queuedTimers());
        }
    }
}
