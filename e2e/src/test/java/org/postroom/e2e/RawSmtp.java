package org.postroom.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A bare SMTP conversation for exact-reply assertions: send a line, read a (multi-line) reply. */
final class RawSmtp implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    RawSmtp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        out = socket.getOutputStream();
    }

    /** Reads one reply; multi-line replies are joined with '\n'. Null when the server closed. */
    /**
     * Connects, reads the banner, sends each CRLF-ended command of {@code commands} and returns the
     * replies joined by " | ", leaving out the banner and EHLO's reply (their texts differ between
     * systems).
     */
    static String dialog(int port, String commands) throws IOException {
        try (RawSmtp c = new RawSmtp(port)) {
            c.reply();
            List<String> replies = new java.util.ArrayList<>();
            for (String cmd : commands.split("\r\n")) {
                String r = c.send(cmd);
                if (!cmd.regionMatches(true, 0, "EHLO", 0, 4)) replies.add(r == null ? "<EOF>" : r.replace("\n", " / "));
            }
            return String.join(" | ", replies);
        }
    }

    String reply() throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            String line = in.readLine();
            if (line == null) return b.isEmpty() ? null : b.toString();
            if (!b.isEmpty()) b.append('\n');
            b.append(line);
            if (line.length() < 4 || line.charAt(3) != '-') return b.toString();
        }
    }

    String send(String line) throws IOException {
        raw(line + "\r\n");
        return reply();
    }

    void raw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
