package org.postroom.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private Dovecot 2.3 (Debian's dovecot-lmtpd and dovecot-imapd) as the final delivery server for
 * lmtp(8) tests: {@code dovecot -F -c dovecot.conf} with everything (base_dir, state_dir, log, users,
 * mail) in a temporary directory and no system config. It serves LMTP on a UNIX-domain socket
 * ({@link #lmtpSocket()}, mode 0666 so that an lmtp process running as mail_owner may connect) and on
 * 127.0.0.1:{@link #lmtpPort()}, and IMAP on 127.0.0.1:{@link #imapPort()} (plaintext LOGIN, no TLS).
 *
 * <p>The users are full addresses ({@code alice@example.test}), listed in a passwd-file that is both
 * passdb and userdb, all with the password {@link #PASSWORD}: LMTP accepts exactly those recipients and
 * answers any other with {@code 550 5.1.1 <x> User doesn't exist: x}. Mail is stored as
 * {@code maildir:<tmp>/mail/<address>}, owned by nobody:nogroup; a user may have a storage quota. Needs
 * root (Dovecot's login and internal processes run as the package's dovenull and dovecot users).
 */
public final class DovecotServer implements AutoCloseable {
    /** Every user's IMAP password. */
    public static final String PASSWORD = "lmtp-test-secret";
    /** Dovecot's own host name (its greeting and the "by" of the Received: header it adds). */
    public static final String HOSTNAME = "imap.dovecot.test";

    private static final Path DOVECOT = Path.of("/usr/sbin/dovecot");
    private static final Path LIBEXEC = Path.of("/usr/lib/dovecot");

    private final Path dir;
    private final int lmtpPort;
    private final int imapPort;
    private final Process process;

    private DovecotServer(Path dir, int lmtpPort, int imapPort, Process process) {
        this.dir = dir;
        this.lmtpPort = lmtpPort;
        this.imapPort = imapPort;
        this.process = process;
    }

    /** Whether dovecot with its lmtp and imap executables is installed here. */
    public static boolean available() {
        return Files.isExecutable(DOVECOT) && Files.isExecutable(LIBEXEC.resolve("lmtp"))
                && Files.isExecutable(LIBEXEC.resolve("imap")) && Files.isExecutable(LIBEXEC.resolve("imap-login"));
    }

    /** Starts Dovecot with these users (full addresses); returns once LMTP (both listeners) and IMAP answer. */
    public static DovecotServer start(List<String> users) throws IOException {
        return start(users, Map.of());
    }

    /**
     * Starts Dovecot with these users and, for some of them, a storage quota (the quota plugin's
     * quota_rule {@code *:storage=LIMIT}, e.g. "1B"): a delivery that would exceed it is refused after
     * the content with "552 5.2.2 <rcpt> Quota exceeded (mailbox for user is full)".
     */
    public static DovecotServer start(List<String> users, Map<String, String> storageQuota) throws IOException {
        Path dir = Files.createTempDirectory("dovecot");
        // the lmtp client (mail_owner) must reach the socket; Dovecot's unprivileged processes their files
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path mail = Files.createDirectories(dir.resolve("mail"));
        UserPrincipalLookupService names = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(mail, names.lookupPrincipalByName("nobody"));
        Files.getFileAttributeView(mail, java.nio.file.attribute.PosixFileAttributeView.class)
                .setGroup(names.lookupPrincipalByGroupName("nogroup"));
        StringBuilder passwd = new StringBuilder();
        for (String u : users) {
            if (!u.matches("[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+")) throw new IllegalArgumentException("bad user " + u);
            // user:password:uid:gid:gecos:home:shell:extra fields
            passwd.append(u).append(":{PLAIN}").append(PASSWORD).append(":nobody:nogroup::").append(mail.resolve(u)).append("::");
            // extra fields: userdb_ ones go to the user's settings
            String quota = storageQuota.get(u);
            if (quota != null) {
                if (!quota.matches("\\d+[BkMG]?")) throw new IllegalArgumentException("bad quota " + quota);
                passwd.append("userdb_quota_rule=*:storage=").append(quota);
            }
            passwd.append('\n');
        }
        Files.writeString(dir.resolve("users"), passwd);
        // a free port may be taken before Dovecot binds it: then it exits, and another pair is tried
        for (int attempt = 1; ; attempt++) {
            DovecotServer s = launch(dir);
            if (s != null) return s;
            if (attempt == 3) {
                String log = readLog(dir);
                delete(dir);
                throw new IOException("dovecot did not start: " + log);
            }
        }
    }

    /** One start; null when Dovecot exited because a port was in use. */
    private static DovecotServer launch(Path dir) throws IOException {
        int lmtpPort = freePort(-1);
        int imapPort = freePort(lmtpPort);
        for (String f : List.of("dovecot.log", "dovecot.out")) Files.deleteIfExists(dir.resolve(f));
        Files.writeString(dir.resolve("dovecot.conf"), """
                # a private test instance: nothing from /etc/dovecot
                base_dir = %1$s/run
                state_dir = %1$s/state
                log_path = %1$s/dovecot.log
                info_log_path = %1$s/dovecot.log
                hostname = %4$s
                protocols = lmtp imap
                listen = 127.0.0.1
                ssl = no
                disable_plaintext_auth = no
                auth_mechanisms = plain login
                default_login_user = dovenull
                default_internal_user = dovecot
                mail_location = maildir:%1$s/mail/%%u
                mail_plugins = quota
                plugin {
                  quota = maildir:User quota
                }
                passdb {
                  driver = passwd-file
                  args = scheme=PLAIN %1$s/users
                }
                userdb {
                  driver = passwd-file
                  args = %1$s/users
                }
                service lmtp {
                  unix_listener lmtp {
                    mode = 0666
                  }
                  inet_listener lmtp {
                    address = 127.0.0.1
                    port = %2$d
                  }
                }
                service auth {
                  unix_listener auth-client {
                    mode = 0666
                  }
                }
                service imap-login {
                  inet_listener imap {
                    address = 127.0.0.1
                    port = %3$d
                  }
                  inet_listener imaps {
                    port = 0
                  }
                }
                """.formatted(dir, lmtpPort, imapPort, HOSTNAME));
        Process p = new ProcessBuilder(DOVECOT.toString(), "-F", "-c", dir.resolve("dovecot.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("dovecot.out").toFile()).start();
        DovecotServer s = new DovecotServer(dir, lmtpPort, imapPort, p);
        try {
            WaitFor.condition("Dovecot answering LMTP and IMAP", Duration.ofSeconds(20), () -> !p.isAlive() || s.answering());
        } catch (AssertionError e) {
            String log = s.log();
            s.close();
            throw new AssertionError(e.getMessage() + "\n" + log, e);
        }
        if (!p.isAlive()) {
            String log = s.log();
            if (log.contains("Address already in use")) return null;
            s.close();
            throw new IOException("dovecot did not start: " + log);
        }
        return s;
    }

    private boolean answering() {
        return greeting(lmtpSocket()).startsWith("220 ") && greeting(lmtpPort).startsWith("220 ") && greeting(imapPort).startsWith("* OK");
    }

    private static String greeting(int port) {
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
            c.setSoTimeout(2000);
            return firstLine(c.getInputStream());
        } catch (IOException e) {
            return "";
        }
    }

    private static String greeting(Path socket) {
        if (!Files.exists(socket)) return "";
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer b = ByteBuffer.allocate(512);
            StringBuilder line = new StringBuilder();
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (line.indexOf("\n") < 0 && System.nanoTime() < until) {
                b.clear();
                if (ch.read(b) < 0) break;
                line.append(new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1));
            }
            return line.toString();
        } catch (IOException e) {
            return "";
        }
    }

    private static String firstLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) b.append((char) c);
        return b.toString();
    }

    private static int freePort(int not) throws IOException {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (s.getLocalPort() != not) return s.getLocalPort();
            }
        }
        throw new IOException("no free port for dovecot");
    }

    /** The LMTP UNIX-domain socket (an lmtp(8) next hop of unix:PATH). */
    /** The authentication client socket (smtpd_sasl_type = dovecot, smtpd_sasl_path). */
    public Path authSocket() {
        return dir.resolve("run/auth-client");
    }

    public Path lmtpSocket() {
        return dir.resolve("run/lmtp");
    }

    /** The LMTP TCP port on 127.0.0.1 (an lmtp(8) next hop of inet:127.0.0.1:PORT). */
    public int lmtpPort() {
        return lmtpPort;
    }

    public int imapPort() {
        return imapPort;
    }

    /** Dovecot's log (log_path) followed by what the master wrote to its stdout/stderr. */
    public String log() {
        return readLog(dir);
    }

    private static String readLog(Path dir) {
        StringBuilder b = new StringBuilder();
        for (String f : List.of("dovecot.log", "dovecot.out")) {
            try {
                Path p = dir.resolve(f);
                if (Files.exists(p)) b.append(Files.readString(p, StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // nothing to add
            }
        }
        return b.toString();
    }

    /**
     * Every message in {@code user}'s INBOX, in UID order, as IMAP returns it (BODY.PEEK[], CRLF line
     * ends), fetched with a bare IMAP client: LOGIN, SELECT INBOX, UID FETCH 1:* (BODY.PEEK[]), LOGOUT.
     */
    public List<String> fetchInbox(String user) throws IOException {
        try (Imap imap = new Imap(imapPort)) {
            String greeting = imap.line();
            if (!greeting.startsWith("* OK")) throw new IOException("IMAP greeting: " + greeting);
            imap.command("LOGIN " + quoted(user) + " " + quoted(PASSWORD));
            imap.command("SELECT INBOX");
            List<byte[]> bodies = imap.command("UID FETCH 1:* (BODY.PEEK[])");
            imap.command("LOGOUT");
            List<String> out = new ArrayList<>();
            for (byte[] b : bodies) out.add(new String(b, StandardCharsets.UTF_8));
            return out;
        }
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A minimal IMAP4rev1 client: tagged commands, untagged responses with {n} literals collected. */
    private static final class Imap implements AutoCloseable {
        private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\}$");
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private int tag;

        Imap(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        /** Sends one command and reads to its tagged reply; returns the literals of the untagged responses. */
        List<byte[]> command(String cmd) throws IOException {
            String t = "t" + ++tag;
            out.write((t + " " + cmd + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            List<byte[]> literals = new ArrayList<>();
            while (true) {
                String l = line();
                Matcher m;
                while ((m = LITERAL.matcher(l)).find()) {
                    literals.add(in.readNBytes(Integer.parseInt(m.group(1))));
                    l = line();   // the rest of the response after the literal
                }
                if (l.startsWith(t + " ")) {
                    if (!l.startsWith(t + " OK")) throw new IOException("IMAP " + cmd.split(" ")[0] + ": " + l);
                    return literals;
                }
            }
        }

        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) throw new IOException("IMAP server closed the connection");
                b.write(c);
            }
            String s = b.toString(StandardCharsets.UTF_8);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Stops Dovecot (SIGTERM to the -F master, which stops its processes) and deletes the directory. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        delete(dir);
    }

    private static void delete(Path dir) {
        try (var s = Files.walk(dir)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException e) {
            // a temp directory is left behind
        }
    }
}
