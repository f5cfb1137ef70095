import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * SMTP load over STARTTLS, in the manner of Postfix's smtp-source (which has no TLS): N messages over S
 * parallel sessions. Each session: connect, 220, EHLO (STARTTLS must be offered), STARTTLS, 220, TLS
 * handshake, EHLO, then MAIL FROM / RCPT TO / DATA (a message of about SIZE bytes, smtp-source's layout:
 * From, To, Date, Message-Id, then lines of X), and QUIT. As smtp-source does, a session carries one message
 * and the next message opens a new connection (so one full TLS handshake per message); with -d (smtp-source
 * -d) a session sends message after message over the same connection and TLS session, each thread taking
 * the next message of the shared count. Every TLS session is a full handshake: each connection has its own
 * SSLContext, so there is no session to resume. The server certificate is not verified (opportunistic TLS,
 * as at Postfix's "may" level). Any reply other than the expected one (220, 250, 354, 221) and any I/O or
 * TLS failure is an error: it is counted, the connection is dropped, and the message is not sent again.
 *
 * <p>Usage: java StarttlsLoad.java [-d] [-s sessions] [-m messages] [-l length] [-w warm] [-f from]
 * [-t to] [-M helo] [-p protocols] host:port
 *
 * <p>-w W first runs W TLS sessions without mail (EHLO, STARTTLS, EHLO, QUIT), untimed: a check that TLS
 * works and a warm-up of this JVM. Output, one line: t0= and t1= (epoch seconds around the timed run, t0
 * just before the first connection), messages, accepted, errors, sessions (TLS sessions of the timed run),
 * the negotiated protocol and cipher (distinct values with their counts), and the CPU seconds this client
 * used during the timed run; then one "error:" line per distinct error. Exit status 1 when errors > 0.
 */
public final class StarttlsLoad {
    private static int sessions = 1, messages = 1, length = 5120, warm = 0;
    private static boolean reuse = false;
    private static String from = "sender@example.org", to = "user@bench.test", helo = "load.example";
    private static String[] protocols = {"TLSv1.3", "TLSv1.2"};
    private static String host;
    private static int port;
    private static byte[] body;

    private static final AtomicInteger tickets = new AtomicInteger();
    private static final AtomicInteger seq = new AtomicInteger();
    private static final LongAdder accepted = new LongAdder();
    private static final LongAdder errors = new LongAdder();
    private static final LongAdder tlsSessions = new LongAdder();
    private static final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> negotiated = new ConcurrentHashMap<>();
    private static final TrustManager[] TRUST_ANY = {new X509TrustManager() {
        @Override public void checkClientTrusted(X509Certificate[] chain, String auth) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String auth) {}
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }};

    /** An unexpected reply or a failure: the stage and what happened. */
    private static final class Failure extends Exception {
        Failure(String what) { super(what, null, false, false); }
    }

    /** One connection: plain until STARTTLS, then over the TLS socket. */
    private static final class Conn implements AutoCloseable {
        private final Socket raw;
        private Socket sock;
        private InputStream in;
        private OutputStream out;
        private final byte[] buf = new byte[8192];
        private int pos, lim;

        Conn() throws IOException {
            raw = new Socket();
            raw.setTcpNoDelay(true);
            raw.connect(new InetSocketAddress(host, port), 30_000);
            raw.setSoTimeout(120_000);
            use(raw);
        }

        private void use(Socket s) throws IOException {
            sock = s;
            in = s.getInputStream();
            out = new BufferedOutputStream(s.getOutputStream(), 16384);
            pos = lim = 0;
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (;;) {
                if (pos == lim) {
                    lim = in.read(buf);
                    pos = 0;
                    if (lim <= 0) { lim = 0; throw new IOException("connection closed by server"); }
                }
                byte b = buf[pos++];
                if (b == '\n') {
                    int n = sb.length();
                    if (n > 0 && sb.charAt(n - 1) == '\r') sb.setLength(n - 1);
                    return sb.toString();
                }
                sb.append((char) (b & 0xff));
            }
        }

        /** A whole reply (every line); fails unless its code is {@code want}. */
        String reply(String stage, int want) throws IOException, Failure {
            StringBuilder all = new StringBuilder();
            String l;
            do {
                l = line();
                all.append(l).append('\n');
            } while (l.length() > 3 && l.charAt(3) == '-');
            int code = l.length() >= 3 ? parse(l.substring(0, 3)) : -1;
            if (code != want) throw new Failure(stage + ": " + l);
            return all.toString();
        }

        private static int parse(String s) {
            try { return Integer.parseInt(s); } catch (NumberFormatException e) { return -1; }
        }

        void send(String cmd) throws IOException {
            out.write(cmd.getBytes(StandardCharsets.US_ASCII));
            out.write('\r');
            out.write('\n');
            out.flush();
        }

        void starttls() throws IOException, Failure {
            send("STARTTLS");
            reply("STARTTLS", 220);
            if (pos != lim) throw new Failure("STARTTLS: server sent data after its 220");
            SSLContext ctx;
            try {
                ctx = SSLContext.getInstance("TLS");
                ctx.init(null, TRUST_ANY, new SecureRandom());
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException(e);
            }
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, host, port, true);
            s.setUseClientMode(true);
            s.setEnabledProtocols(protocols);
            s.startHandshake();
            use(s);
            negotiated.computeIfAbsent(s.getSession().getProtocol() + "/" + s.getSession().getCipherSuite(),
                    k -> new LongAdder()).increment();
        }

        @Override public void close() {
            try { sock.close(); } catch (IOException ignored) { }
            try { raw.close(); } catch (IOException ignored) { }
        }
    }

    /** Connect, greeting, EHLO, STARTTLS, handshake, EHLO. */
    private static Conn open() throws IOException, Failure {
        Conn c = new Conn();
        try {
            c.reply("greeting", 220);
            c.send("EHLO " + helo);
            String ehlo = c.reply("EHLO", 250);
            if (!ehlo.toUpperCase().contains("STARTTLS")) throw new Failure("EHLO: STARTTLS not offered");
            c.starttls();
            c.send("EHLO " + helo);
            c.reply("EHLO after STARTTLS", 250);
            tlsSessions.increment();
            return c;
        } catch (IOException | Failure | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static void quit(Conn c) throws IOException, Failure {
        try (c) {
            c.send("QUIT");
            c.reply("QUIT", 221);
        }
    }

    private static void message(Conn c) throws IOException, Failure {
        c.send("MAIL FROM:<" + from + ">");
        c.reply("MAIL", 250);
        c.send("RCPT TO:<" + to + ">");
        c.reply("RCPT", 250);
        c.send("DATA");
        c.reply("DATA", 354);
        String head = "From: <" + from + ">\r\nTo: <" + to + ">\r\nDate: " + java.time.ZonedDateTime.now()
                .format(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME) + "\r\nMessage-Id: <"
                + ProcessHandle.current().pid() + "." + seq.incrementAndGet() + "@" + helo + ">\r\n\r\n";
        c.out.write(head.getBytes(StandardCharsets.US_ASCII));
        c.out.write(body);
        c.out.flush();
        c.reply("end of DATA", 250);
        accepted.increment();
    }

    private static void fail(Object what) {
        errors.increment();
        String k = what instanceof Failure f ? f.getMessage()
                : what instanceof Exception e ? e.getClass().getSimpleName() + ": " + e.getMessage() : String.valueOf(what);
        // a reply's queue ID or the like would make every error distinct: keep the start
        if (k.length() > 160) k = k.substring(0, 160);
        errorKinds.computeIfAbsent(k, x -> new LongAdder()).increment();
    }

    /** One thread of the timed run: take the next message of the shared count until none is left. */
    private static void worker() {
        Conn c = null;
        while (tickets.getAndDecrement() > 0) {
            try {
                if (c == null) c = open();
                message(c);
                if (!reuse) {
                    Conn q = c;
                    c = null;
                    quit(q);
                }
            } catch (IOException | Failure | RuntimeException e) {
                fail(e);
                if (c != null) c.close();
                c = null;
            }
        }
        if (c != null) {
            try { quit(c); } catch (IOException | Failure | RuntimeException e) { fail(e); }
        }
    }

    private static void runThreads(Runnable r) throws InterruptedException {
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < sessions; i++) ts.add(Thread.ofPlatform().name("session-" + i).start(r));
        for (Thread t : ts) t.join();
    }

    private static void usage() {
        System.err.println("usage: java StarttlsLoad.java [-d] [-s sessions] [-m messages] [-l length] [-w warm] "
                + "[-f from] [-t to] [-M helo] [-p protocols] host:port");
        System.exit(2);
    }

    public static void main(String[] args) throws Exception {
        int i = 0;
        for (; i < args.length && args[i].startsWith("-"); i++) {
            String o = args[i];
            if (o.equals("-d")) { reuse = true; continue; }
            if (i + 1 >= args.length) usage();
            String v = args[++i];
            switch (o) {
                case "-s" -> sessions = Integer.parseInt(v);
                case "-m" -> messages = Integer.parseInt(v);
                case "-l" -> length = Integer.parseInt(v);
                case "-w" -> warm = Integer.parseInt(v);
                case "-f" -> from = v;
                case "-t" -> to = v;
                case "-M" -> helo = v;
                case "-p" -> protocols = v.split("[, ]+");
                default -> usage();
            }
        }
        if (i != args.length - 1 || sessions < 1 || messages < 0) usage();
        String target = args[i];
        int colon = target.lastIndexOf(':');
        host = colon < 0 ? target : target.substring(0, colon);
        port = colon < 0 ? 25 : Integer.parseInt(target.substring(colon + 1));

        // smtp-source's body: LENGTH bytes, a line break every 80 characters, then the final "."
        StringBuilder b = new StringBuilder(length + 8);
        for (int p = 0; p < length; p++) b.append(p % 80 == 79 ? "\r\n" : "X");
        if (b.length() > 0 && b.charAt(b.length() - 1) != '\n') b.append("\r\n");
        b.append(".\r\n");
        body = b.toString().getBytes(StandardCharsets.US_ASCII);

        if (warm > 0) {
            AtomicInteger w = new AtomicInteger(warm);
            runThreads(() -> {
                while (w.getAndDecrement() > 0) {
                    try { quit(open()); } catch (IOException | Failure | RuntimeException e) { fail(e); }
                }
            });
            if (errors.sum() > 0) {
                report("warm-up", null, null, 0);
                System.exit(1);
            }
            negotiated.clear();
            tlsSessions.reset();
        }

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        tickets.set(messages);
        long cpu0 = os.getProcessCpuTime();
        Instant t0 = Instant.now();
        runThreads(StarttlsLoad::worker);
        Instant t1 = Instant.now();
        long cpu = os.getProcessCpuTime() - cpu0;
        report("run", t0, t1, cpu);
        System.exit(errors.sum() == 0 && accepted.sum() == messages ? 0 : 1);
    }

    private static String epoch(Instant t) {
        return String.format("%d.%06d", t.getEpochSecond(), t.getNano() / 1000);
    }

    private static void report(String phase, Instant t0, Instant t1, long cpuNanos) {
        StringBuilder sb = new StringBuilder();
        if (t0 != null) sb.append("t0=").append(epoch(t0)).append(" t1=").append(epoch(t1)).append(' ');
        else sb.append("phase=").append(phase).append(' ');
        sb.append("messages=").append(messages).append(" accepted=").append(accepted.sum())
                .append(" errors=").append(errors.sum()).append(" tls_sessions=").append(tlsSessions.sum())
                .append(" tls=");
        List<String> ks = new ArrayList<>(negotiated.keySet());
        ks.sort(null);
        sb.append(ks.isEmpty() ? "none" : String.join(",", ks.stream().map(k -> k + "x" + negotiated.get(k).sum()).toList()));
        if (t0 != null) sb.append(String.format(" client_cpu_s=%.2f", cpuNanos / 1e9));
        System.out.println(sb);
        errorKinds.forEach((k, v) -> System.out.println("error: " + v.sum() + " x " + k));
    }
}
