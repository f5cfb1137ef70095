package org.postroom.tools.postfix;

import org.postroom.tools.common.Exit;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.MasterCf;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;
import org.postroom.global.queue.MasterPid;
import org.postroom.tools.common.Cli;
import org.postroom.tools.common.Fatal;
import org.postroom.tools.common.ToolLog;
import org.postroom.tools.postconf.Postconf;
import org.postroom.tools.postqueue.Flush;
import org.postroom.util.ExitCode;
import org.postroom.util.Passwd;
import org.postroom.util.Posix;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * NAME
 *     postfix - Postroom control program
 * SYNOPSIS
 *     postfix [-c config_dir] [-v] command
 * DESCRIPTION
 *     start      check the configuration, then start master(8) in the background
 *     start-fg   the same, with master in the foreground (for init systems)
 *     stop       stop the mail system: master stops every service; after 5 seconds the rest is killed
 *     abort      stop at once
 *     reload     re-read main.cf and master.cf; queued mail is untouched
 *     status     exit 0 when running, 1 when not
 *     flush      retry deferred mail now (postqueue -f)
 *     check      validate main.cf and master.cf, report unused parameters (as postconf does) and
 *                directory and file ownership problems, one line per problem:
 *                "postfix/postfix-script: warning: not owned by root: PATH", "... not owned by
 *                MAIL_OWNER: PATH", "... group or other writable: PATH", "... damaged message: corrupt/ID"
 *     set-permissions  give the queue tree and the configuration files their owners and modes
 *                (queue directories mail_owner 0700, maildrop 1733, public 0711, main.cf root)
 *     tls subcommand  server keys and certificates, as postfix-tls(1): enable-server, new-server-key,
 *                deploy-server-cert, all-default-server (see PostfixTls)
 *     Messages go to stderr as "postfix/postfix-script: text", as Postfix's postfix-script prints them.
 * SECURITY
 *     Started by root or the instance owner; it only signals master and reads the configuration.
 * DIAGNOSTICS
 *     Exit 0 on success, 1 on failure, 69 for flush when the mail system is down
 *     ("postqueue: fatal: Cannot flush mail queue - mail system is down").
 * CONFIGURATION PARAMETERS
 *     config_directory, queue_directory, daemon_directory
 * SEE ALSO
 *     master(8), postqueue(1), postconf(1)
 */
@Command(name = "postfix", mixinStandardHelpOptions = false, description = "Postroom control program")
public final class Postfix implements Callable<Integer> {
    private static final String TAG = "postfix/postfix-script: ";

    @Option(names = "-c", paramLabel = "config_dir") Path configDir;
    @Option(names = "-v") boolean verbose;
    @Parameters(index = "0", paramLabel = "command") String command;
    @Parameters(index = "1..*", paramLabel = "argument") List<String> arguments = new ArrayList<>();

    public static void main(String[] args) {
        CommandLine cl = Cli.commandLine(new Postfix());
        cl.setStopAtPositional(true); // "postfix tls new-server-key -a ecdsa": options after the command are its own
        cl.setParameterExceptionHandler((ex, a) -> {
            System.err.println("postfix: fatal: usage: postfix [-c config_dir] [-Dv] command");
            return ExitCode.FATAL;
        });
        Exit.now(cl.execute(args));
    }

    @Override
    public Integer call() {
        if (configDir == null) {
            String env = System.getenv("MAIL_CONFIG");
            configDir = Path.of(env == null || env.isEmpty() ? "/etc/postroom" : env);
        }
        configDir = configDir.toAbsolutePath();
        MainCf cfg;
        try {
            cfg = MainCf.load(configDir, Map.of("process_name", "postfix"), w -> System.err.println("postfix: warning: " + w));
            cfg.validate(new ArrayList<Param<?>>(Params.all().values()));
            MasterCf.load(configDir, cfg.get(Params.DEFAULT_PROCESS_LIMIT), w -> System.err.println("postfix: warning: " + w));
        } catch (ConfigException e) {
            System.err.println("postfix: fatal: " + e.getMessage());
            return ExitCode.FATAL;
        }
        Path queueDir = Path.of(cfg.get(Params.QUEUE_DIRECTORY));
        // postfix(1) does chdir(queue_directory) before any command: a mistyped queue_directory is fatal,
        // never an empty queue created on the spot
        if (!Files.isDirectory(queueDir)) {
            System.err.println("postfix: fatal: chdir(" + queueDir + "): " + (Files.exists(queueDir) ? "Not a directory" : "No such file or directory"));
            return ExitCode.FATAL;
        }
        try {
            return switch (command) {
                case "start" -> start(cfg, queueDir, false);
                case "start-fg" -> start(cfg, queueDir, true);
                case "stop" -> stop(queueDir, true);
                case "abort" -> stop(queueDir, false);
                case "reload" -> signal(queueDir, 1, "refreshing the Postfix mail system");
                case "status" -> status(queueDir);
                case "flush" -> flush(queueDir);
                case "check" -> check(cfg, queueDir);
                case "set-permissions" -> setPermissions(cfg, queueDir);
                case "tls" -> new PostfixTls(cfg, configDir, System.err).run(arguments);
                default -> {
                    System.err.println("postfix: fatal: unknown command: '" + command + "'. Usage: postfix start (or stop, reload, abort, flush, check, status, set-permissions, start-fg, tls)");
                    yield ExitCode.FATAL;
                }
            };
        } catch (IOException e) {
            System.err.println("postfix: fatal: " + e.getMessage());
            return ExitCode.FATAL;
        }
    }

    private int start(MainCf cfg, Path queueDir, boolean foreground) throws IOException {
        if (MasterPid.running(queueDir).isPresent()) {
            System.err.println(TAG + "fatal: the Postfix mail system is already running");
            return ExitCode.FATAL;
        }
        Path master = Path.of(cfg.get(Params.DAEMON_DIRECTORY)).resolve("master");
        if (!Files.isExecutable(master)) {
            System.err.println("postfix: fatal: cannot execute " + master);
            return ExitCode.FATAL;
        }
        List<String> cmd = new ArrayList<>(List.of(master.toString(), "-c", configDir.toString()));
        if (verbose) cmd.add("-v");
        if (foreground) {
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            try {
                return pb.start().waitFor();
            } catch (InterruptedException e) {
                return ExitCode.FATAL;
            }
        }
        // postfix-script check-fatal: see that all queue files are in the right place, remove what is
        // not a queue file (symlinks, alien directories) and temporary files a crash left behind
        if (Files.isDirectory(queueDir.resolve("incoming"))) {
            int st = org.postroom.tools.postsuper.Postsuper.run(new String[] {"-c", configDir.toString()});
            if (st != 0) return ExitCode.FATAL;
        }
        System.err.println(TAG + "starting the Postfix mail system");
        Files.createDirectories(queueDir.resolve("pid"));
        Path err = Files.createTempFile("postroom-master", ".err");
        List<String> bg = new ArrayList<>(List.of("setsid"));
        bg.addAll(cmd);
        Process p = new ProcessBuilder(bg).redirectInput(new File("/dev/null")).redirectOutput(new File("/dev/null"))
                .redirectError(err.toFile()).start();
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try {
            while (System.nanoTime() < until) {
                if (MasterPid.running(queueDir).isPresent()) return ExitCode.OK;
                if (!p.isAlive()) {
                    System.err.print(Files.readString(err));
                    System.err.println(TAG + "fatal: mail system startup failed");
                    return ExitCode.FATAL;
                }
                sleep(50);
            }
            System.err.println(TAG + "fatal: mail system startup timed out");
            return ExitCode.FATAL;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private int stop(Path queueDir, boolean wait) throws IOException {
        OptionalLong pid = MasterPid.running(queueDir);
        if (pid.isEmpty()) {
            System.err.println(TAG + "fatal: the Postfix mail system is not running");
            return ExitCode.FATAL;
        }
        System.err.println(TAG + (wait ? "stopping the Postfix mail system" : "aborting the Postfix mail system"));
        Posix.kill(pid.getAsLong(), Posix.SIGTERM);
        long until = System.nanoTime() + Duration.ofSeconds(wait ? 10 : 2).toNanos();
        while (System.nanoTime() < until) {
            if (!ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false)) return ExitCode.OK;
            sleep(50);
        }
        System.err.println(TAG + "stopping the Postfix mail system with force");
        Posix.kill(pid.getAsLong(), Posix.SIGKILL);
        return ExitCode.OK;
    }

    private int signal(Path queueDir, int sig, String what) throws IOException {
        OptionalLong pid = MasterPid.running(queueDir);
        if (pid.isEmpty()) {
            System.err.println(TAG + "fatal: the Postfix mail system is not running");
            return ExitCode.FATAL;
        }
        System.err.println(TAG + what);
        Posix.kill(pid.getAsLong(), sig);
        return ExitCode.OK;
    }

    private int status(Path queueDir) throws IOException {
        OptionalLong pid = MasterPid.running(queueDir);
        if (pid.isEmpty()) {
            System.err.println(TAG + "the Postfix mail system is not running");
            return ExitCode.FATAL;
        }
        System.err.println(TAG + "the Postfix mail system is running: PID: " + pid.getAsLong());
        return ExitCode.OK;
    }

    private int flush(Path queueDir) {
        try {
            Flush.all(queueDir);
            return ExitCode.OK;
        } catch (Fatal f) {
            System.err.println("postqueue: fatal: " + f.getMessage());
            return f.status();
        }
    }

    /** postfix-script check-warn: unused parameters, then ownership and modes, one line per problem. */
    private int check(MainCf cfg, Path queueDir) throws IOException {
        ToolLog.program("postconf");
        try {
            Postconf.warnUnused(configDir);
        } catch (Fatal f) {
            System.err.println("postconf: fatal: " + f.getMessage());
            return ExitCode.FATAL;
        }
        String owner = cfg.get(Params.MAIL_OWNER);
        Passwd.Entry pw = Passwd.byName(owner).orElse(null);
        if (pw == null) {
            System.err.println(TAG + "warning: unknown mail_owner: " + owner);
            return ExitCode.OK;
        }
        new QueueTree(queueDir, configDir, owner, pw.uid(), pw.gid()).check(Posix.isRoot(),
                w -> System.err.println(TAG + "warning: " + w));
        return ExitCode.OK;
    }

    private int setPermissions(MainCf cfg, Path queueDir) throws IOException {
        if (!Posix.isRoot()) {
            System.err.println("postfix: fatal: the postfix command is reserved for the superuser");
            return ExitCode.FATAL;
        }
        String owner = cfg.get(Params.MAIL_OWNER);
        Passwd.Entry pw = Passwd.byName(owner).orElse(null);
        if (pw == null) {
            System.err.println("postfix: fatal: unknown mail_owner: " + owner);
            return ExitCode.FATAL;
        }
        new QueueTree(queueDir, configDir, owner, pw.uid(), pw.gid()).fix(null);
        return ExitCode.OK;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
