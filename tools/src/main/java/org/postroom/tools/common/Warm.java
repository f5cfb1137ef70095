package org.postroom.tools.common;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;

/**
 * Start-up work a tool will need later, begun at once on a second thread. The JDK's first Unix-domain
 * socket sets up a SecureRandom (sun.nio.ch.UnixDomainSockets), and with it the security providers:
 * about 10 ms that postqueue (showq) and sendmail (the pickup trigger) otherwise spend on their main
 * thread. Nothing else changes: the socket opened here is closed unused.
 */
public final class Warm {
    private Warm() {}

    public static void unixSockets() {
        Thread t = new Thread(Warm::openOne, "warm-unix-sockets");
        t.setDaemon(true);
        t.start();
    }

    private static void openOne() {
        try {
            SocketChannel.open(StandardProtocolFamily.UNIX).close();
        } catch (IOException | RuntimeException e) {
            // the tool meets the same problem itself, and reports it
        }
    }
}
