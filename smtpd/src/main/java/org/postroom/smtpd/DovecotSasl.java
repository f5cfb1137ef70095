package org.postroom.smtpd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.postroom.global.log.Msg;
import org.postroom.util.Printable;

/**
 * smtpd_sasl_type = dovecot (xsasl_dovecot_server.c): Dovecot's authentication client protocol over
 * smtpd_sasl_path (private/auth under the queue directory, an absolute path, unix:PATH or
 * inet:HOST:PORT). The connection is made when the mechanism list is first needed and kept for the
 * session: "VERSION 1 0" and "CPID", then Dovecot's VERSION, MECH lines and DONE; one "AUTH id mech
 * service=... nologin lip= rip= [secured] [resp=]" per AUTH command, answered by CONT, OK or FAIL. The
 * mechanism list is filtered by the security options as Postfix maps them onto Dovecot's flags. Every
 * read is bounded (10 s, AUTH_TIMEOUT, and 64 KB a line).
 */
final class DovecotSasl implements SaslServer {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_LINE = 65536;
    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "dovecot-auth-timeout");
        t.setDaemon(true);
        return t;
    });
    private static final Map<String, String> OPTION_FLAG = Map.of("noplaintext", "plaintext", "noactive", "active",
            "nodictionary", "dictionary", "noanonymous", "anonymous");

    private final String path;
    private final Path queueDirectory;
    private final String service;
    private final Set<String> plainOptions;
    private final Set<String> tlsOptions;
    private final String serverAddress;
    private SocketChannel channel;
    private BufferedReader in;
    private OutputStream out;
    /** Mechanism name to its flags, from the handshake; null before it. */
    private Map<String, Set<String>> mechs;
    private int id;
    private boolean broken;

    DovecotSasl(String path, Path queueDirectory, String service, Set<String> plainOptions, Set<String> tlsOptions, String serverAddress) {
        this.path = path;
        this.queueDirectory = queueDirectory;
        this.service = service;
        this.plainOptions = plainOptions;
        this.tlsOptions = tlsOptions;
        this.serverAddress = serverAddress;
    }

    @Override
    public List<String> mechanisms(boolean tls) {
        if (!connect()) return List.of();
        Set<String> opts = tls ? tlsOptions : plainOptions;
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Set<String>> m : mechs.entrySet()) {
            Set<String> flags = m.getValue();
            if (flags.contains("private")) continue;
            boolean ok = true;
            for (String o : opts) {
                String forbidden = OPTION_FLAG.get(o);
                if (forbidden != null && flags.contains(forbidden)) ok = false;
                if (o.equals("forward_secrecy") && !flags.contains("forward-secrecy")) ok = false;
                if (o.equals("mutual_auth") && !flags.contains("mutual-auth")) ok = false;
            }
            if (ok) out.add(m.getKey());
        }
        return out;
    }

    @Override
    public boolean available() {
        return connect();
    }

    /** Connects and reads the handshake once; false (logged) when Dovecot cannot be reached. */
    private boolean connect() {
        if (mechs != null && !broken) return true;
        close();
        broken = false;
        String where = path;
        try {
            SocketChannel ch;
            if (path.startsWith("inet:")) {
                String hp = path.substring(5);
                int colon = hp.lastIndexOf(':');
                ch = SocketChannel.open(new InetSocketAddress(hp.substring(0, colon).replaceAll("^\\[|\\]$", ""),
                        Integer.parseInt(hp.substring(colon + 1))));
            } else {
                String p = path.startsWith("unix:") ? path.substring(5) : path;
                Path socket = p.startsWith("/") ? Path.of(p) : queueDirectory.resolve(p);
                where = socket.toString();
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(socket));
            }
            channel = ch;
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8), 8192);
            out = Channels.newOutputStream(ch);
            send("VERSION\t1\t0\nCPID\t" + ProcessHandle.current().pid() + "\n");
            Map<String, Set<String>> found = new java.util.LinkedHashMap<>();
            while (true) {
                String[] f = line().split("\t", -1);
                switch (f[0]) {
                    case "VERSION" -> {
                        if (f.length < 3) {
                            Msg.warn("SASL: Protocol version error");
                            return fail();
                        }
                        if (!f[1].equals("1")) {
                            Msg.warn("SASL: Protocol version mismatch (" + Printable.sanitize(f[1]) + " vs. 1)");
                            return fail();
                        }
                    }
                    case "MECH" -> {
                        if (f.length >= 2) found.put(f[1].toUpperCase(java.util.Locale.ROOT), Set.of(java.util.Arrays.copyOfRange(f, 2, f.length)));
                    }
                    case "SPID" -> {
                        if (found.isEmpty()) {
                            Msg.warn("SASL: Connected to wrong auth socket (auth-master instead of auth-client)");
                            return fail();
                        }
                    }
                    case "DONE" -> {
                        mechs = found;
                        return true;
                    }
                    default -> { }
                }
            }
        } catch (IOException | RuntimeException e) {
            Msg.warn("SASL: Connect to Dovecot auth socket '" + where + "' failed: " + (e.getMessage() == null ? e : e.getMessage()));
            return fail();
        }
    }

    private boolean fail() {
        close();
        broken = true;
        return false;
    }

    private void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One LF-ended line, within TIMEOUT and MAX_LINE. */
    private String line() throws IOException {
        SocketChannel ch = channel;
        ScheduledFuture<?> t = TIMER.schedule(() -> {
            try {
                ch.close();
            } catch (IOException e) {
                // closed already
            }
        }, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        try {
            StringBuilder b = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) throw new IOException("Connection lost to authentication server");
                if (b.length() >= MAX_LINE) throw new IOException("authentication server line too long");
                b.append((char) c);
            }
            return b.toString();
        } finally {
            t.cancel(false);
        }
    }

    @Override
    public SaslExchange start(String mechanism, boolean tls, ClientInfo client) {
        return new Exchange(mechanism, tls, client);
    }

    private final class Exchange implements SaslExchange {
        private final String mechanism;
        private final boolean tls;
        private final ClientInfo client;
        private int myId;

        Exchange(String mechanism, boolean tls, ClientInfo client) {
            this.mechanism = mechanism;
            this.tls = tls;
            this.client = client;
        }

        @Override
        public SaslStep first(String initial) {
            if (!connect()) return new SaslStep.TempFailure("Connection lost to authentication server");
            myId = ++id;
            StringBuilder req = new StringBuilder("AUTH\t").append(myId).append('\t').append(mechanism)
                    .append("\tservice=").append(service).append("\tnologin\tlip=").append(serverAddress)
                    .append("\trip=").append(client.address());
            if (tls) req.append("\tsecured");
            if (initial != null) req.append("\tresp=").append(initial);
            return exchange(req.append('\n').toString());
        }

        @Override
        public SaslStep next(String response) {
            return exchange("CONT\t" + myId + "\t" + response + "\n");
        }

        private SaslStep exchange(String request) {
            try {
                send(request);
                while (true) {
                    String[] f = line().split("\t", -1);
                    if (f.length < 2 || !f[1].equals(Integer.toString(myId))) continue;
                    switch (f[0]) {
                        case "OK" -> {
                            String user = field(f, "user=");
                            if (user == null) {
                                Msg.warn("missing Dovecot server OK username field");
                                return new SaslStep.Failure("Authentication backend error", null);
                            }
                            return new SaslStep.Success(Printable.sanitize(user));
                        }
                        case "CONT" -> {
                            String challenge = f.length > 2 ? f[2] : "";
                            if (!SmtpdSasl.isBase64(challenge)) {
                                Msg.warn("SASL: malformed Dovecot challenge");
                                broken = true;
                                return new SaslStep.TempFailure("Authentication backend error");
                            }
                            return new SaslStep.Challenge(challenge);
                        }
                        case "FAIL" -> {
                            String reason = field(f, "reason=");
                            return new SaslStep.Failure(reason == null ? "(reason unavailable)" : Printable.sanitize(reason),
                                    field(f, "user=") == null ? null : Printable.sanitize(field(f, "user=")));
                        }
                        default -> Msg.warn("SASL: unknown Dovecot reply: " + Printable.sanitize(f[0]));
                    }
                }
            } catch (IOException e) {
                broken = true;
                return new SaslStep.TempFailure("Connection lost to authentication server");
            }
        }
    }

    private static String field(String[] f, String prefix) {
        for (int i = 2; i < f.length; i++) if (f[i].startsWith(prefix)) return f[i].substring(prefix.length());
        return null;
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // gone
            }
        }
        channel = null;
        mechs = null;
    }
}
