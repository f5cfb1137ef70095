package org.postroom.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A receiving SMTP server for the client tests, on Debian's python3-aiosmtpd (an implementation
 * independent of Postfix's and ours): STARTTLS with a given certificate, AUTH PLAIN and LOGIN against
 * a list of users (then required before MAIL), AUTH offered in plaintext or only after TLS. It records
 * each message with its envelope, whether it came over TLS and which login sent it, and a log of
 * connections and command verbs (never an AUTH argument), so that a test can assert what the client
 * did and did not send.
 */
public final class SmtpReceiver implements AutoCloseable {
    /** /usr/bin/python3 (Debian's, with the aiosmtpd package), not whatever python3 is first on PATH. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    /** A received message: its content and the envelope as recorded. */
    public record Received(String content, String envelope) {
        public boolean tls() {
            return envelope.contains("\"tls\": true");
        }

        /** The authenticated login, or null. */
        public String login() {
            int i = envelope.indexOf("\"login\": \"");
            if (i < 0) return null;
            int start = i + "\"login\": \"".length();
            return envelope.substring(start, envelope.indexOf('"', start));
        }
    }

    /** What to offer. */
    public record Options(TestCa.Issued tls, boolean requireStarttls, List<String> users, boolean authPlaintext, String hostname) {
        public static Options plain() {
            return new Options(null, false, List.of(), false, "receiver.test");
        }

        public Options withStarttls(TestCa.Issued cert) {
            return new Options(cert, requireStarttls, users, authPlaintext, hostname);
        }

        /** AUTH required before MAIL, for these "login:password" users. */
        public Options withUsers(String... loginPassword) {
            return new Options(tls, requireStarttls, List.of(loginPassword), authPlaintext, hostname);
        }

        /** AUTH offered on a connection without TLS too. */
        public Options withAuthPlaintext() {
            return new Options(tls, requireStarttls, users, true, hostname);
        }
    }

    private final Path dir;
    private final int port;
    private final Process process;

    private SmtpReceiver(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static boolean available() {
        if (!Files.isExecutable(PYTHON)) return false;
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import aiosmtpd").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts a receiver on 127.0.0.1:{@code port}; returns once it listens. */
    public static SmtpReceiver start(int port, Options o) throws IOException {
        Path dir = Files.createTempDirectory("smtp-receiver");
        Path script = dir.resolve("smtp_receiver.py");
        try (InputStream in = SmtpReceiver.class.getResourceAsStream("smtp_receiver.py")) {
            if (in == null) throw new IOException("smtp_receiver.py missing from the testkit jar");
            Files.copy(in, script);
        }
        Path out = Files.createDirectories(dir.resolve("out"));
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script.toString(), "--listen", "127.0.0.1:" + port,
                "--hostname", o.hostname(), "--out", out.toString()));
        if (o.tls() != null) cmd.addAll(List.of("--tls-cert", o.tls().certFile().toString(), "--tls-key", o.tls().keyFile().toString()));
        if (o.requireStarttls()) cmd.add("--require-starttls");
        for (String u : o.users()) cmd.addAll(List.of("--user", u));
        if (o.authPlaintext()) cmd.add("--auth-plaintext");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("receiver.log").toFile()).start();
        SmtpReceiver r = new SmtpReceiver(dir, port, p);
        try {
            WaitFor.condition("aiosmtpd on port " + port, Duration.ofSeconds(30), () -> r.output().contains("ready") || !p.isAlive());
        } catch (AssertionError e) {
            r.close();
            throw e;
        }
        if (!p.isAlive()) {
            String why = r.output();
            r.close();
            throw new IOException("aiosmtpd did not start: " + why);
        }
        return r;
    }

    public int port() {
        return port;
    }

    /** The events log: "connect", "command EHLO", "auth PLAIN alice ok", "message 1", ... */
    public List<String> events() {
        try {
            return Files.readAllLines(dir.resolve("out/events.log"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The messages received so far, in order. */
    public List<Received> messages() {
        List<Received> out = new ArrayList<>();
        try (var s = Files.list(dir.resolve("out"))) {
            List<Path> emls = s.filter(f -> f.getFileName().toString().endsWith(".eml"))
                    .sorted(Comparator.comparingInt(f -> Integer.parseInt(f.getFileName().toString().replace(".eml", "")))).toList();
            for (Path f : emls) {
                Path env = f.resolveSibling(f.getFileName().toString().replace(".eml", ".env"));
                out.add(new Received(Files.readString(f, StandardCharsets.ISO_8859_1), Files.readString(env)));
            }
        } catch (IOException e) {
            // none yet
        }
        return out;
    }

    /** The receiver's own output (Python warnings and errors), for failure messages. */
    public String output() {
        try {
            return Files.readString(dir.resolve("receiver.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var s = Files.walk(dir)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException e) {
            // a temp directory is left behind
        }
    }
}
