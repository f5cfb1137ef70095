package org.postroom.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server for tests, from Debian's postgresql package: initdb into a temporary
 * directory, the server on a free port on 127.0.0.1 (its socket in the data directory), one database and
 * one user with a password (password authentication over TCP). When the JVM runs as root the PostgreSQL
 * programs run as user {@code postgres} through {@code setpriv}. {@link #stop()} and {@link #start()} let a
 * test take the database away and bring it back. Tests skip when {@link #available()} is false:
 * {@code Assumptions.assumeTrue(PostgresServer.available(), PostgresServer.unavailableReason())}.
 */
public final class PostgresServer implements AutoCloseable {
    private static final Path LIB = Path.of("/usr/lib/postgresql");

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final boolean asPostgres;
    private final String database;
    private final String user;
    private final String password;

    private PostgresServer(Path bin, Path dir, int port, String database, String user, String password) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.asPostgres = "root".equals(System.getProperty("user.name"));
        this.database = database;
        this.user = user;
        this.password = password;
    }

    /** The newest /usr/lib/postgresql/N/bin that has initdb. */
    static Optional<Path> binaries() {
        if (!Files.isDirectory(LIB)) return Optional.empty();
        try (Stream<Path> s = Files.list(LIB)) {
            return s.map(p -> p.resolve("bin"))
                    .filter(p -> Files.isExecutable(p.resolve("initdb")) && Files.isExecutable(p.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(p -> version(p.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int version(String s) {
        try {
            return Integer.parseInt(s.replaceAll("\\..*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static boolean available() {
        return binaries().isPresent() && (!"root".equals(System.getProperty("user.name")) || Files.isExecutable(Path.of("/usr/bin/setpriv")));
    }

    public static String unavailableReason() {
        return "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; apt-get install postgresql)";
    }

    /** Creates, starts and fills a server: database {@code database} owned by {@code user}/{@code password}. */
    public static PostgresServer start(String database, String user, String password) throws IOException {
        Path bin = binaries().orElseThrow(() -> new IOException(unavailableReason()));
        Path dir = Files.createTempDirectory("postroom-pg");
        PostgresServer s = new PostgresServer(bin, dir, freePort(), database, user, password);
        try {
            s.init();
            s.start();
            s.psql("CREATE USER \"" + user + "\" WITH PASSWORD '" + password.replace("'", "''") + "'");
            s.psql("CREATE DATABASE \"" + database + "\" OWNER \"" + user + "\"");
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return ss.getLocalPort();
        }
    }

    private void init() throws IOException {
        Files.createDirectories(data);
        if (asPostgres) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
            run(List.of("chmod", "700", dir.toString()), false);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-E", "UTF8",
                "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"), true);
    }

    /** Starts the server (again); returns when it accepts connections. */
    public void start() throws IOException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"), true);
    }

    /** Stops the server (fast shutdown: open connections are closed). */
    public void stop() throws IOException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60", "-m", "fast", "stop"), true);
    }

    /** Runs SQL as the superuser in {@code db} ("postgres" for the maintenance database). */
    public String psql(String db, String sql) throws IOException {
        return run(List.of(bin.resolve("psql").toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", data.toString(),
                "-p", String.valueOf(port), "-U", "postgres", "-d", db, "-c", sql), true);
    }

    private String psql(String sql) throws IOException {
        return psql("postgres", sql);
    }

    /** Runs SQL in the test database. */
    public String sql(String sql) throws IOException {
        return psql(database, sql);
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    private String run(List<String> cmd, boolean postgres) throws IOException {
        List<String> full = new ArrayList<>();
        if (postgres && asPostgres) full.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups"));
        full.addAll(cmd);
        Path out = Files.createTempFile("postroom-pg", ".out");
        try {
            Process p = new ProcessBuilder(full).directory(asPostgres ? new java.io.File("/") : null)
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + text);
            return text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Override
    public void close() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) stop();
        } catch (IOException e) {
            // best effort
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
