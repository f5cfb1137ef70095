package org.postroom.smtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.postroom.global.mail.Transcript;

/**
 * One connection to one server (smtp_session.c): the socket (TCP, TLS over TCP, or an LMTP UNIX-domain
 * channel), its buffered streams under one {@link Deadline}, and what is known about the session: the
 * server's features, its TLS state, the SASL user it authenticated as, when it was opened and how many
 * transactions it carried (conn_use). A session that saw a protocol error, a throttle error, a 421 or
 * an I/O error is marked not {@link #reusable()} and never goes into the connection cache.
 */
final class SmtpSession implements AutoCloseable {
    final Endpoint endpoint;
    private Socket socket;
    private final SocketChannel channel;
    private final Deadline deadline;
    private InputStream in;
    private OutputStream out;
    private final long openedNanos = System.nanoTime();
    Features features = Features.HELO;
    /** The negotiated TLS session, null in plaintext. */
    SmtpTls.Established tls;
    /** The SASL user name this session authenticated as, or null. */
    String saslUser;
    /** Transactions completed on this session (conn_use in the log counts this one: uses + 1). */
    int uses;
    private boolean reusable = true;
    /** The dialogue for a postmaster notice (smtp_chat.c session->history) and the error classes seen. */
    private final Transcript transcript = new Transcript();
    private int errorMask;

    private SmtpSession(Endpoint endpoint, Socket socket, SocketChannel channel, Duration timeout) throws IOException {
        this.endpoint = endpoint;
        this.socket = socket;
        this.channel = channel;
        this.deadline = new Deadline(socket != null ? socket : channel, timeout);
        InputStream rawIn = socket != null ? socket.getInputStream() : Channels.newInputStream(channel);
        OutputStream rawOut = socket != null ? socket.getOutputStream() : Channels.newOutputStream(channel);
        this.in = new BufferedInputStream(deadline.in(rawIn), 8192);
        this.out = new BufferedOutputStream(deadline.out(rawOut), 1 << 16);
    }

    /** Thrown when the connection cannot be made; the message is Postfix's reason text. */
    static final class ConnectFailure extends IOException {
        ConnectFailure(String m) {
            super(m);
        }
    }

    static SmtpSession connect(Endpoint e, Duration connectTimeout, Duration ioTimeout) throws ConnectFailure {
        String where = e.isUnix() ? e.namaddr() : e.relay();
        if (e.isUnix()) {
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(e.unix()));
                return new SmtpSession(e, null, ch, ioTimeout);
            } catch (IOException | IllegalArgumentException x) {
                closeQuietly(ch);
                throw new ConnectFailure("connect to " + where + ": " + reason(x));
            }
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(e.address(), e.port()), (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            return new SmtpSession(e, s, null, ioTimeout);
        } catch (java.net.SocketTimeoutException x) {
            closeQuietly(s);
            throw new ConnectFailure("connect to " + where + ": Connection timed out");
        } catch (IOException x) {
            closeQuietly(s);
            throw new ConnectFailure("connect to " + where + ": " + reason(x));
        }
    }

    private static String reason(Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        if (m.startsWith("Connection refused")) return "Connection refused";
        if (m.contains("No route to host")) return "No route to host";
        if (m.contains("Network is unreachable")) return "Network is unreachable";
        if (m.contains("No such file")) return "No such file or directory";
        return m;
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    void timeout(Duration d) {
        deadline.timeout(d);
    }

    boolean expired() {
        return deadline.expired();
    }

    Socket socket() {
        return socket;
    }

    /** Bytes the server sent that were not read yet (after STARTTLS's 220 there must be none). */
    int buffered() throws IOException {
        return in.available();
    }

    /** Continues the session over {@code tls} (after STARTTLS, or at once in wrapper mode). */
    void upgrade(SSLSocket tls) throws IOException {
        this.socket = tls;
        Deadline d = deadline;
        this.in = new BufferedInputStream(d.in(tls.getInputStream()), 8192);
        this.out = new BufferedOutputStream(d.out(tls.getOutputStream()), 1 << 16);
    }

    long ageNanos() {
        return System.nanoTime() - openedNanos;
    }

    boolean reusable() {
        return reusable;
    }

    void noReuse() {
        reusable = false;
    }

    void write(String line) throws IOException {
        write(line, line);
    }

    /** Sends {@code line}; the transcript shows {@code shown} (SASL data is not kept). */
    void write(String line, String shown) throws IOException {
        transcript.out(shown);
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    /** The next reply; its lines go into the transcript as they arrive. */
    ServerReply read() throws IOException {
        return ServerReply.read(in, transcript);
    }

    /** Error classes for a postmaster notice ({@link org.postroom.global.mail.MailError} bits). */
    void error(int classes) {
        errorMask |= classes;
    }

    int errorMask() {
        return errorMask;
    }

    Transcript transcript() {
        return transcript;
    }

    /** After a notice, or when the session goes into the cache: the next request starts afresh. */
    void resetTranscript() {
        transcript.clear();
        errorMask = 0;
    }

    @Override
    public void close() {
        closeQuietly(socket);
        closeQuietly(channel);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            // nothing depends on it
        }
    }
}
