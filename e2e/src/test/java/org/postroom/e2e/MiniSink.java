package org.postroom.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A scripted SMTP server for the cases no packaged receiver can play (a server that says nothing, one
 * that refuses a recipient only the first time): each command line is answered with
 * {@code script.apply(connectionNumber, line)} (the greeting with line ""; null: say nothing). It counts
 * connections and messages.
 */
final class MiniSink implements AutoCloseable {
    private final ServerSocket ss;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger messages = new AtomicInteger();

    MiniSink(String address, int port, BiFunction<Integer, String, String> script) throws IOException {
        ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        Thread.ofVirtual().start(() -> {
            while (!ss.isClosed()) {
                try {
                    Socket c = ss.accept();
                    int n = connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(c, n, script));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** A script reply to STARTTLS: "220", then bytes that are not TLS once the client starts its handshake. */
    static final String BROKEN_TLS = "220 2.0.0 Ready to start TLS\0broken";

    static String normal(String line) {
        if (line.isEmpty()) return "220 sink ESMTP";
        String u = line.toUpperCase(java.util.Locale.ROOT);
        if (u.startsWith("EHLO")) return "250-sink\r\n250-PIPELINING\r\n250 8BITMIME";
        if (u.startsWith("DATA")) return "354 go ahead";
        if (u.equals(".")) return "250 2.0.0 Ok: queued";
        if (u.startsWith("QUIT")) return "221 2.0.0 Bye";
        return "250 2.0.0 Ok";
    }

    private void serve(Socket c, int n, BiFunction<Integer, String, String> script) {
        try (c) {
            OutputStream out = c.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
            String g = script.apply(n, "");
            if (g == null) {
                in.read(); // says nothing; waits for the client to give up
                return;
            }
            out.write((g + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            boolean data = false;
            boolean rcptOk = false;
            for (String line; (line = in.readLine()) != null; ) {
                if (data) {
                    if (!line.equals(".")) continue;
                    data = false;
                    messages.incrementAndGet();
                }
                String u = line.toUpperCase(java.util.Locale.ROOT);
                String reply = u.startsWith("DATA") && !rcptOk ? "554 5.5.1 Error: no valid recipients" : script.apply(n, line);
                if (u.startsWith("MAIL")) rcptOk = false;
                if (u.startsWith("RCPT") && reply != null && reply.startsWith("250")) rcptOk = true;
                if (reply == null) continue;
                if (reply.equals(BROKEN_TLS)) {
                    out.write("220 2.0.0 Ready to start TLS\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    in.read(); // the client's hello has begun
                    out.write("this is not TLS\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    return;
                }
                if (reply.startsWith("354")) data = true;
                out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (line.equalsIgnoreCase("QUIT")) return;
            }
        } catch (IOException e) {
            // the client hung up
        }
    }

    @Override
    public void close() throws IOException {
        ss.close();
    }
}
