package org.postroom.local;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postroom.global.mailbox.Errno;
import org.postroom.global.mailbox.Message;
import org.postroom.global.mailbox.Verdict;
import org.postroom.util.Printable;

/**
 * Delivery to a command (pipe_command.c, exec_command.c). The command runs directly when it has only
 * harmless characters, else through {@code /bin/sh -c}; as the given rights, in the given directory,
 * with a clean environment and PATH reset; with the message (From_ line and prepended headers) on
 * stdin. Its exit status is mapped through sysexits, a leading "D.S.N text" in its output wins, and a
 * limited amount of output is quoted in the reason.
 */
final class Pipe {
    static final String PATH = "/usr/bin:/bin";
    private static final String OK_CHARS =
            "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ \t";
    private static final int OUTPUT_LIMIT = 4096;
    /** sys_exits_detail(EX_SOFTWARE) and (EX_IOERR): the diagnostic texts of a command that died or could not be fed. */
    private static final String SOFTWARE = "internal software error";
    private static final String IO_ERROR = "input/output error";
    private static final Pattern DSN = Pattern.compile("^([45]\\.\\d{1,3}\\.\\d{1,3})(?:\\s+|$)(.*)", Pattern.DOTALL);

    private final Privileges privs;
    private final Duration timeLimit;
    private final Path directory;
    private final List<String> exportEnvironment;

    Pipe(Privileges privs, Duration timeLimit, Path directory, List<String> exportEnvironment) {
        this.privs = privs;
        this.timeLimit = timeLimit;
        this.directory = directory;
        this.exportEnvironment = List.copyOf(exportEnvironment);
    }

    /** Runs {@code command} with {@code env} added to the clean environment. */
    Verdict run(String command, Rights rights, Map<String, String> env, Message msg, String origRcpt,
                String delivered, ZonedDateTime now) {
        List<String> argv = new ArrayList<>(privs.runAs(rights));
        argv.addAll(argv(command));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        if (Files.isDirectory(directory)) pb.directory(directory.toFile());
        Map<String, String> e = pb.environment();
        e.clear();
        for (String name : exportEnvironment) {
            String v = System.getenv(name);
            if (v != null) e.put(name, v);
        }
        e.put("PATH", PATH);
        e.putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException ex) {
            String why = Printable.sanitize(ex.getMessage(), '_');
            return Verdict.bounce("5.3.0", "Command died with status 127: \"" + command + "\". Command output: " + why).unix(why);
        }
        IOException[] writeError = new IOException[1];
        Thread writer = Thread.ofVirtual().start(() -> {
            try (OutputStream in = new BufferedOutputStream(p.getOutputStream(), 65536)) {
                msg.copyTo(in, Message.Style.PIPE, origRcpt, delivered, now);
            } catch (IOException ex) {
                writeError[0] = ex;
            }
        });
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> drain(p.getInputStream(), output));
        boolean timedOut = false;
        try {
            long deadline = System.nanoTime() + timeLimit.toNanos();
            if (!p.waitFor(timeLimit.toNanos(), TimeUnit.NANOSECONDS)
                    || !reader.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                timedOut = true;
                kill(p);
            }
            p.waitFor();
            reader.join(Duration.ofSeconds(5));
            writer.join(Duration.ofSeconds(5));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            kill(p);
            return Verdict.defer("4.3.0", "interrupted while running command: \"" + command + "\"");
        }
        String out;
        synchronized (output) {
            out = Printable.sanitize(output.toString(StandardCharsets.UTF_8).replace('\t', ' ').replace('\n', ' '), '_');
        }
        String quoted = out.isEmpty() ? "" : ". Command output: " + out;
        if (timedOut) {
            return Verdict.bounce("5.3.0", "Command time limit exceeded: \"" + command + "\"" + quoted).unix(detail(out, SOFTWARE));
        }
        return status(p.exitValue(), command, out, quoted, writeError[0]);
    }

    /**
     * Maps the exit status and output to a result. A failure has the diagnostic type "x-unix" (dsb_unix()
     * in pipe_command.c): its diagnostic text is the command's output, or without output the sysexits
     * text of the status ("unknown mail system error N" for other codes; "internal software error" for a
     * signal or the time limit), or the text after a "D.S.N" in the output.
     */
    static Verdict status(int exit, String command, String out, String quoted, IOException writeError) {
        if (exit == 0) {
            if (writeError != null && !brokenPipe(writeError)) {
                return Verdict.bounce("5.3.0", "Command failed: " + Errno.text(writeError) + ": \"" + command + "\"").unix(IO_ERROR);
            }
            return Verdict.sent("delivered to command: " + command);
        }
        if (exit > 128 && exit < 128 + 32) {
            return Verdict.defer("4.3.0", "Command died with signal " + (exit - 128) + ": \"" + command + "\"" + quoted)
                    .unix(detail(out, SOFTWARE));
        }
        Matcher m = DSN.matcher(out);
        if (m.matches()) return Verdict.failure(m.group(1), m.group(2)).unix(m.group(2));
        return SysExits.of(exit).map(d -> Verdict.failure(d.dsn(), d.text() + quoted).unix(detail(out, d.text())))
                .orElseGet(() -> Verdict.bounce("5.3.0", "Command died with status " + exit + ": \"" + command + "\"" + quoted)
                        .unix(detail(out, "unknown mail system error " + exit)));
    }

    private static String detail(String out, String otherwise) {
        return out.isEmpty() ? otherwise : out;
    }

    /** exec_command: split and run directly when only harmless characters appear, else use the shell. */
    static List<String> argv(String command) {
        boolean plain = !command.isBlank() && command.chars().allMatch(c -> OK_CHARS.indexOf(c) >= 0);
        if (plain) {
            List<String> words = Arrays.stream(command.strip().split("[ \t]+")).toList();
            String prog = resolve(words.getFirst());
            if (prog != null) {
                List<String> l = new ArrayList<>(words);
                l.set(0, prog);
                return l;
            }
        }
        return List.of("/bin/sh", "-c", command);
    }

    /** execvp's search through the reset PATH; null when not found (the shell then gets a try). */
    private static String resolve(String prog) {
        if (prog.indexOf('/') >= 0) return prog;
        for (String dir : PATH.split(":")) {
            Path p = Path.of(dir, prog);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    private static void drain(InputStream in, ByteArrayOutputStream keep) {
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                synchronized (keep) {
                    int room = OUTPUT_LIMIT - keep.size();
                    if (room > 0) keep.write(buf, 0, Math.min(room, n));
                }
            }
        } catch (IOException e) {
            // the command went away; what was read is enough
        }
    }

    /** Kills the command and everything it started. */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.getInputStream().close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static boolean brokenPipe(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Broken pipe") || m.contains("Stream closed");
    }
}
