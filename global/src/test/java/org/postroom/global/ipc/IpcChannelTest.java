package org.postroom.global.ipc;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpcChannelTest {
    @Test
    void deadlineClosesABlockedRead(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            try (IpcChannel c = IpcChannel.connect(sock, Duration.ofSeconds(1)); var peer = server.accept()) {
                c.deadline(Duration.ofMillis(100));
                assertThrows(IOException.class, () -> c.in().read());
            }
        }
    }
}
