package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.postroom.testkit.WaitFor;

/**
 * A real Postroom instance in a temp directory, run from the built distribution: config, queue, mail
 * and log all below {@link #root()}. When the tests run as root, mail_owner is the system user
 * "postroom" (created by postroom.sh / .ci/run), and the tree is made traversable for it.
 */
public final class MailSystem implements AutoCloseable {
    public static final Path DIST = Path.of(System.getProperty("postroom.dist", "../dist/target/postroom")).toAbsolutePath().normalize();

    private final Path root;
    private final int port;
    private boolean running;

    private MailSystem(Path root, int port) {
        this.root = root;
        this.port = port;
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Creates an instance; {@code extraMainCf} lines are appended to main.cf. */
    public static MailSystem create(String extraMainCf) throws IOException {
        Path root = Files.createTempDirectory("postroom-e2e");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port = freePort();
        MailSystem m = new MailSystem(root, port);
        for (String d : List.of("etc", "queue", "mail", "log", "data", "out")) Files.createDirectories(root.resolve(d));
        for (String d : List.of("mail", "log", "out")) Files.setPosixFilePermissions(root.resolve(d), PosixFilePermissions.fromString("rwxrwxrwx"));
        String owner = isRoot() ? "postroom" : System.getProperty("user.name");
        Files.writeString(root.resolve("etc/main.cf"), """
                compatibility_level = 3.6
                queue_directory = %1$s/queue
                data_directory = %1$s/data
                daemon_directory = %2$s/libexec
                command_directory = %2$s/bin
                mail_owner = %3$s
                myhostname = mail.example.com
                mydomain = example.com
                mydestination = $myhostname, localhost.$mydomain, localhost
                inet_interfaces = 127.0.0.1
                mynetworks = 127.0.0.0/8
                mail_spool_directory = %1$s/mail/
                alias_maps = hash:%1$s/etc/aliases
                alias_database = hash:%1$s/etc/aliases
                maillog_file = %1$s/log/maillog
                minimal_backoff_time = 1s
                maximal_backoff_time = 2s
                queue_run_delay = 1s
                """.formatted(root, DIST, owner) + extraMainCf + "\n");
        String master = Files.readString(DIST.resolve("etc/master.cf"))
                .replaceFirst("(?m)^smtp      inet", "127.0.0.1:" + port + " inet");
        Files.writeString(root.resolve("etc/master.cf"), master);
        Files.writeString(root.resolve("etc/aliases"), """
                postmaster: %1$s
                mboxuser: %2$s/out/mboxuser.mbox
                maildiruser: %2$s/out/maildiruser/
                """.formatted(localUser(), root));
        Result aliases = m.tool("postalias", null, "hash:" + root.resolve("etc/aliases"));
        if (aliases.status() != 0) throw new AssertionError("newaliases: " + aliases.stderr());
        return m;
    }

    /** The passwd user whose spool Maildir receives mail in these tests: the one running them. */
    public static String localUser() {
        return System.getProperty("user.name");
    }

    public Path root() {
        return root;
    }

    public Path etc() {
        return root.resolve("etc");
    }

    public int port() {
        return port;
    }

    public Path maillog() {
        return root.resolve("log/maillog");
    }

    public String log() {
        try {
            return Files.exists(maillog()) ? Files.readString(maillog(), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a distribution command (bin/NAME) with MAIL_CONFIG set; returns exit status and output. */
    public Result tool(String name, String stdin, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(DIST.resolve("bin").resolve(name).toString());
        cmd.addAll(List.of(args));
        return run(cmd, stdin, Map.of("MAIL_CONFIG", etc().toString()), Duration.ofSeconds(60));
    }

    public record Result(int status, String stdout, String stderr) {}

    public static Result run(List<String> cmd, String stdin, Map<String, String> env, Duration timeout) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(env);
            Path out = Files.createTempFile("e2e", ".out"), err = Files.createTempFile("e2e", ".err");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timeout running " + cmd);
            }
            Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public void start() {
        Result r = tool("postfix", null, "start");
        assertEquals(0, r.status(), "postfix start: " + r.stderr() + "\nlog:\n" + log());
        running = true;
        WaitFor.condition("smtpd on port " + port, Duration.ofSeconds(30), this::smtpUp);
        WaitFor.condition("all services ready", Duration.ofSeconds(30), () -> socketsPresent(
                "public/cleanup", "public/qmgr", "public/pickup", "private/rewrite", "private/local"));
    }

    public boolean socketsPresent(String... names) {
        return Stream.of(names).allMatch(n -> Files.exists(root.resolve("queue").resolve(n)));
    }

    public boolean smtpUp() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2000);
            return s.getInputStream().read() == '2';
        } catch (IOException e) {
            return false;
        }
    }

    public void stop() {
        if (!running) return;
        Result r = tool("postfix", null, "stop");
        running = false;
        if (r.status() != 0) throw new AssertionError("postfix stop: " + r.stderr());
        WaitFor.condition("no process of this instance left", Duration.ofSeconds(20), () -> processes().isEmpty());
    }

    /** Live processes whose command line mentions this instance's config directory or queue. */
    public List<ProcessHandle> processes() {
        String tag = root.toString();
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(tag)).orElse(false)
                || environContains(p, tag)).toList();
    }

    private static boolean environContains(ProcessHandle p, String tag) {
        try {
            byte[] env = Files.readAllBytes(Path.of("/proc/" + p.pid() + "/environ"));
            return new String(env, StandardCharsets.ISO_8859_1).contains(tag);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** The live service process for a program name (argv[0] is postroom/NAME). */
    public ProcessHandle service(String program) {
        return processes().stream().filter(p -> p.info().command().isPresent()
                && p.info().commandLine().orElse("").contains("org.postroom.")
                && p.info().arguments().map(a -> String.join(" ", a)).orElse("").contains(mainClass(program)))
                .findFirst().orElseThrow(() -> new AssertionError("no live " + program + " process"));
    }

    static String mainClass(String program) {
        return switch (program) {
            case "smtpd" -> "org.postroom.smtpd.Smtpd";
            case "cleanup" -> "org.postroom.cleanup.Cleanup";
            case "qmgr" -> "org.postroom.qmgr.Qmgr";
            case "local" -> "org.postroom.local.Local";
            case "pickup" -> "org.postroom.pickup.Pickup";
            case "trivial-rewrite" -> "org.postroom.rewrite.TrivialRewrite";
            case "master" -> "org.postroom.master.Master";
            default -> throw new IllegalArgumentException(program);
        };
    }

    /** Files in a Maildir's new/ folder. */
    public static List<Path> maildir(Path dir) {
        Path n = dir.resolve("new");
        if (!Files.isDirectory(n)) return List.of();
        try (Stream<Path> s = Files.list(n)) {
            return s.sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    public Path spoolMaildir(String user) {
        return root.resolve("mail").resolve(user);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops the system; keeps the directory when a test failed (chasquid's RemoveIfOk) unless asked. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            for (ProcessHandle p : processes()) p.destroyForcibly();
        }
    }

    public void delete() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
