package org.postroom.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.postroom.global.mail.Transcript;
import org.postroom.util.Printable;

/**
 * One reply from the server (smtp_chat.c smtp_chat_resp): the code, the enhanced status (from the reply,
 * or made from the code as Postfix does), and the text lines. A server is a stranger: a line is cut at
 * {@link #MAX_LINE} bytes, a reply of more than {@link #MAX_LINES} lines is an error, and a reply that is
 * not "ddd" followed by space, '-' or the end of the line is malformed.
 */
record ServerReply(int code, String dsn, List<String> lines) {
    static final int MAX_LINE = 2048;
    static final int MAX_LINES = 100;

    /** A reply the server could not have sent: what the client reports for a protocol violation. */
    static final class Malformed extends IOException {
        Malformed(String m) {
            super(m);
        }
    }

    /** The whole reply as Postfix quotes it in a log line or bounce: the lines joined by spaces. */
    String text() {
        return String.join(" ", lines);
    }

    static ServerReply read(InputStream in) throws IOException {
        return read(in, null);
    }

    /**
     * Reads a reply; each line also goes to {@code transcript} (when not null) as it arrives, before it
     * is judged, until the reply holds {@link #MAX_LINE} bytes (smtp_chat_resp's defence against
     * endless multi-line replies).
     */
    static ServerReply read(InputStream in, Transcript transcript) throws IOException {
        List<String> lines = new ArrayList<>();
        int code = -1;
        int kept = 0;
        while (true) {
            String line = line(in);
            if (transcript != null && kept < MAX_LINE) {
                // as the bytes came (UTF-8, or not): the notice makes them printable
                transcript.in(new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
                kept += line.length() + 1;
            }
            if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                    || !Character.isDigit(line.charAt(2)) || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new Malformed("malformed reply: " + Printable.sanitize(line.length() > 100 ? line.substring(0, 100) : line));
            }
            int c = Integer.parseInt(line.substring(0, 3));
            if (code >= 0 && c != code) throw new Malformed("reply code changed in a multi-line reply: " + Printable.sanitize(line));
            code = c;
            if (lines.size() >= MAX_LINES) throw new Malformed("reply with more than " + MAX_LINES + " lines");
            lines.add(Printable.sanitize(line));
            if (line.length() == 3 || line.charAt(3) == ' ') break;
        }
        if (code < 200 || code > 599) throw new Malformed("unexpected reply code " + code);
        return new ServerReply(code, dsn(code, lines.getFirst()), lines);
    }

    /** The enhanced status of the first line when it has one of the code's class, else x.0.0. */
    private static String dsn(int code, String first) {
        String rest = first.length() > 4 ? first.substring(4) : "";
        int sp = rest.indexOf(' ');
        String word = sp < 0 ? rest : rest.substring(0, sp);
        if (word.matches("[245]\\.\\d{1,3}\\.\\d{1,3}") && word.charAt(0) == (char) ('0' + code / 100)) return word;
        return (code / 100) + ".0.0";
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) throw new java.io.EOFException("lost connection");
            if (c == '\n') break;
            if (b.size() < MAX_LINE) b.write(c);
        }
        byte[] a = b.toByteArray();
        int n = a.length;
        if (n > 0 && a[n - 1] == '\r') n--;
        return new String(a, 0, n, StandardCharsets.ISO_8859_1);
    }
}
