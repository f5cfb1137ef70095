package org.postroom.testkit;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private Debian Postfix (shared/testing.md 1a) as the reference server in a differential test: its
 * own config, queue and log in a temporary directory, smtpd on a given loopback port, every message
 * put on hold (check_client_access static:HOLD) so that tests can read what it queued with postcat.
 * Needs root and the postfix package; /etc/postfix is not touched.
 */
public final class PostfixServer implements AutoCloseable {
    private final Path root;
    private final int port;

    private PostfixServer(Path root, int port) {
        this.root = root;
        this.port = port;
    }

    /** Whether Debian's Postfix is installed here. */
    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/postfix")) && Files.isRegularFile(Path.of("/etc/postfix/master.cf.proto"));
    }

    /** Starts an instance on 127.0.0.1:port with the given main.cf lines added. */
    public static PostfixServer start(int port, String extraMainCf) throws IOException {
        Path root = Files.createTempDirectory("postfix-ref");
        Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String d : List.of("etc", "spool", "data")) Files.createDirectories(root.resolve(d));
        run(List.of("chown", "postfix", root.resolve("data").toString()));
        List<String> master = new ArrayList<>();
        for (String l : Files.readAllLines(Path.of("/etc/postfix/master.cf.proto"))) {
            if (l.startsWith("smtp      inet")) l = l.replaceFirst("^smtp      inet", "127.0.0.1:" + port + " inet");
            String[] f = l.split("\\s+");
            if (!l.startsWith("#") && !l.startsWith(" ") && f.length >= 8) {
                if (f[7].equals("pipe")) continue;
                f[4] = "n";   // no chroot
                l = String.join(" ", f);
            }
            if (l.startsWith("  flags=")) continue;
            master.add(l);
        }
        Files.write(root.resolve("etc/master.cf"), master);
        Files.writeString(root.resolve("etc/main.cf"), """
                compatibility_level = 3.6
                multi_instance_name = postfix-ref%1$d
                queue_directory = %2$s/spool
                data_directory = %2$s/data
                meta_directory = /etc/postfix
                inet_interfaces = 127.0.0.1
                inet_protocols = ipv4
                myhostname = mail.example.com
                mydomain = example.com
                mydestination = $myhostname, localhost.$mydomain, localhost
                local_recipient_maps =
                alias_maps =
                smtpd_client_restrictions = check_client_access static:HOLD
                maillog_file = %2$s/maillog
                maillog_file_prefixes = %2$s
                """.formatted(port, root) + extraMainCf + "\n");
        PostfixServer p = new PostfixServer(root, port);
        // postfix(1) logs start-up errors only to a terminal: script(1) gives it one
        String out = run(List.of("script", "-qc", "postfix -c " + root.resolve("etc") + " start", "/dev/null"));
        if (out.contains("fatal")) throw new IOException("postfix start: " + out.strip());
        WaitFor.condition("Postfix on port " + port, Duration.ofSeconds(30), p::listening);
        return p;
    }

    private boolean listening() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public Path root() {
        return root;
    }

    /** The queue IDs of the messages on hold. */
    public List<String> held() throws IOException {
        Path hold = root.resolve("spool/hold");
        if (!Files.isDirectory(hold)) return List.of();
        try (Stream<Path> s = Files.walk(hold)) {
            return s.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** A held message's body as postcat -b prints it. */
    public String body(String queueId) throws IOException {
        return run(List.of("postcat", "-c", root.resolve("etc").toString(), "-bq", queueId));
    }

    /** A held message's envelope as postcat -e prints it (sender, recipients, DSN attributes). */
    public String envelope(String queueId) throws IOException {
        return run(List.of("postcat", "-c", root.resolve("etc").toString(), "-eq", queueId));
    }

    /** A held message's primary headers as postcat -h prints them. */
    public String headers(String queueId) throws IOException {
        return run(List.of("postcat", "-c", root.resolve("etc").toString(), "-hq", queueId));
    }

    public String log() throws IOException {
        Path l = root.resolve("maillog");
        return Files.exists(l) ? Files.readString(l) : "";
    }

    private static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** Stops the instance (postfix stop) and waits until its port is closed. */
    public void stop() throws IOException {
        run(List.of("script", "-qc", "postfix -c " + root.resolve("etc") + " stop", "/dev/null"));
        WaitFor.condition("Postfix stopped", Duration.ofSeconds(30), () -> !listening());
    }

    /** Starts a stopped instance again (postfix start, which runs postsuper first). */
    public void startAgain() throws IOException {
        // postsuper (run by postfix start) logs as mail_owner: maillog_file must exist and be the owner's
        Path log = root.resolve("maillog");
        if (!Files.exists(log)) Files.createFile(log);
        run(List.of("chown", "postfix:postfix", log.toString()));
        String out = run(List.of("script", "-qc", "postfix -c " + root.resolve("etc") + " start", "/dev/null"));
        if (out.contains("fatal")) throw new IOException("postfix start: " + out.strip());
        WaitFor.condition("Postfix on port " + port, Duration.ofSeconds(30), this::listening);
    }

    @Override
    public void close() {
        try {
            run(List.of("script", "-qc", "postfix -c " + root.resolve("etc") + " stop", "/dev/null"));
            run(List.of("rm", "-rf", root.toString()));
        } catch (IOException e) {
            // best effort: a temp directory is left behind
        }
    }
}
