package org.postroom.master;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.MasterCf;
import org.postroom.global.config.MasterEntry;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;
import org.postroom.global.ipc.Listeners;
import org.postroom.global.ipc.Trigger;
import org.postroom.global.log.Msg;
import org.postroom.util.Passwd;
import org.postroom.util.Posix;
import sun.misc.Signal;

/**
 * NAME
 *     master - Postroom master process
 * SYNOPSIS
 *     master [-c config_dir] [-v] [-t]
 * DESCRIPTION
 *     Reads main.cf and master.cf, creates the queue tree, takes the lock on
 *     $queue_directory/pid/master.pid and binds every service's listening socket (inet ports, and the
 *     Unix sockets under private/ and public/). A service runs as its own JVM from
 *     $daemon_directory/COMMAND, with the generic daemon options and its socket as standard input; it is
 *     started when its first client arrives (qmgr and pickup, which have wake-up timers, at once) and
 *     exits after max_idle without clients; the next client starts it again. A child that exits
 *     abnormally is logged and started again by the next client; one that exits before announcing
 *     readiness is a bad command startup and is retried after service_throttle_time. Services with a wakeup time get a "W" trigger on their socket
 *     every so many seconds. SIGHUP (postfix reload) rereads both files: removed services stop, new
 *     ones start, and the others are restarted with the new settings. SIGTERM (postfix stop) stops
 *     every child and exits. master runs in the foreground; postfix(1) puts it in the background.
 *     -t exits 0 when no master runs for this configuration, 1 when one does.
 * SECURITY
 *     Runs as root or as the instance owner. When root, unprivileged services are started as
 *     mail_owner through setpriv(1); only local and virtual (unprivileged = n) keep root.
 * DIAGNOSTICS
 *     "daemon started -- version V, configuration DIR", "reload -- ...", "terminating on signal 15",
 *     "warning: process PROGRAM pid N exit status S" and "... bad command startup -- throttling".
 *     A configuration error is one line naming file, line and parameter, and exit status 1.
 * BUGS
 *     Each service is one JVM serving all its clients on virtual threads; maxproc limits concurrent
 *     clients, not processes, and max_use does not retire it. An inet service with several addresses
 *     binds its own sockets and runs from the start. chroot=y, unix-dgram, fifo and pass services are
 *     refused.
 * CONFIGURATION PARAMETERS
 *     config_directory, queue_directory, daemon_directory, mail_owner (postfix),
 *     default_process_limit (100), service_throttle_time (60s), inet_interfaces, mail_version, maillog_file
 * SEE ALSO
 *     postfix(1), master.cf(5), qmgr(8), pickup(8)
 */
public final class Master {
    private final Path configDir;
    private final boolean verbose;
    private final Map<String, ChildProcess> children = new LinkedHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final List<ScheduledFuture<?>> wakeups = new ArrayList<>();
    private MainCf cfg;
    private Spawner spawner;
    private Path queueDir;

    private Master(Path configDir, boolean verbose) {
        this.configDir = configDir;
        this.verbose = verbose;
    }

    public static void main(String[] args) {
        Path configDir = null;
        boolean verbose = false, test = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c" -> configDir = Path.of(args[++i]);
                case "-v" -> verbose = true;
                case "-t" -> test = true;
                case "-d", "-w", "-s" -> { }
                default -> {
                    System.err.println("master: fatal: usage: master [-c config_dir] [-v] [-t]");
                    System.exit(1);
                }
            }
        }
        if (configDir == null) {
            String env = System.getenv("MAIL_CONFIG");
            configDir = Path.of(env == null || env.isEmpty() ? "/etc/postroom" : env);
        }
        Master m = new Master(configDir.toAbsolutePath(), verbose);
        try {
            System.exit(m.run(test));
        } catch (ConfigException e) {
            Msg.fatal(e.getMessage());
            System.err.println("master: fatal: " + e.getMessage());
            System.exit(1);
        } catch (IOException e) {
            Msg.fatal(e.getMessage());
            System.err.println("master: fatal: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Loads and fully validates main.cf and master.cf. */
    static MainCf loadConfig(Path configDir) {
        MainCf c = MainCf.load(configDir, Map.of("process_name", "master", "service_name", "master"), w -> Msg.warn(w));
        c.validate(new ArrayList<Param<?>>(Params.all().values()));
        return c;
    }

    private int run(boolean test) throws IOException {
        cfg = loadConfig(configDir);
        int[] owner = owner(cfg);
        prepareMaillog(cfg.get(Params.MAILLOG_FILE), owner);
        Msg.init(cfg.get(Params.SYSLOG_NAME), "master", cfg.get(Params.MYHOSTNAME), cfg.get(Params.MAILLOG_FILE), true);
        List<MasterEntry> entries = MasterCf.load(configDir, cfg.get(Params.DEFAULT_PROCESS_LIMIT), w -> Msg.warn(w));
        queueDir = Path.of(cfg.get(Params.QUEUE_DIRECTORY));
        QueueDirectories.create(queueDir, owner[0], owner[1]);
        Optional<FileChannel> lock = PidLock.acquire(queueDir.resolve("pid/master.pid"));
        if (test) return lock.isPresent() ? 0 : 1;
        if (lock.isEmpty()) throw new IOException("the Postfix mail system is already running");
        spawner = new Spawner(Path.of(cfg.get(Params.DAEMON_DIRECTORY)), configDir, queueDir, owner[0], owner[1], Posix.isRoot(), verbose);
        Msg.info("daemon started -- version " + cfg.get(Params.MAIL_VERSION) + ", configuration " + configDir);
        // inherited "ignore" dispositions (nohup) would make the JVM refuse these handlers without a word
        for (int sig : new int[] {Posix.SIGHUP, 2, Posix.SIGTERM}) Posix.defaultSignal(sig);
        Signal.handle(new Signal("HUP"), s -> Thread.ofPlatform().start(this::reload));
        Signal.handle(new Signal("TERM"), s -> Thread.ofPlatform().start(() -> terminate(15)));
        Signal.handle(new Signal("INT"), s -> Thread.ofPlatform().start(() -> terminate(2)));
        synchronized (this) {
            try {
                for (MasterEntry e : entries) startChild(e, true);
            } catch (MasterFatal ex) {
                Msg.fatal(ex.getMessage());
                System.err.println("master: fatal: " + ex.getMessage());
                for (ChildProcess c : children.values()) c.stop();
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                for (ChildProcess c : children.values()) c.awaitExit(deadline);
                Runtime.getRuntime().halt(1);
            }
            scheduleWakeups();
        }
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Every service appends to maillog_file, so it must belong to mail_owner (Postfix's postlogd writes it). */
    private static void prepareMaillog(String file, int[] owner) throws IOException {
        if (file.isEmpty()) return;
        Path p = Path.of(file);
        if (!java.nio.file.Files.exists(p)) {
            java.nio.file.Files.createFile(p, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----")));
        }
        if (Posix.isRoot()) {
            java.nio.file.Files.setAttribute(p, "unix:uid", owner[0]);
            java.nio.file.Files.setAttribute(p, "unix:gid", owner[1]);
        }
    }

    private static int[] owner(MainCf c) {
        String name = c.get(Params.MAIL_OWNER);
        if (!Posix.isRoot()) return new int[] {Posix.getuid(), Posix.getgid()};
        Passwd.Entry e = Passwd.byName(name).orElseThrow(() -> new ConfigException(
                c.where("mail_owner") + ": mail_owner: unknown user: " + name));
        if (e.uid() == 0) throw new ConfigException(c.where("mail_owner") + ": mail_owner: must not be root: " + name);
        return new int[] {e.uid(), e.gid()};
    }

    /**
     * Binds the service's socket (master_listen.c) and starts its keeper. A socket that cannot be bound is
     * fatal at start-up, as in Postfix; after a reload the service is left out with an error instead. An inet
     * service with several addresses binds its own sockets (one inherited channel per child).
     */
    private void startChild(MasterEntry e, boolean atStartUp) {
        ServerSocketChannel listener = null;
        List<ServerSocketChannel> bound;
        try {
            bound = Listeners.bind(e.type().word, e.service(), !e.privateSocket(), queueDir, cfg.get(Params.INET_INTERFACES));
        } catch (IOException | IllegalArgumentException ex) {
            if (atStartUp) throw new MasterFatal(ex.getMessage());
            Msg.error(ex.getMessage() + " -- service " + e.service() + " not started");
            return;
        }
        if (bound.size() == 1 && Listeners.fd(bound.getFirst()) >= 0) {
            listener = bound.getFirst();
        } else {
            for (ServerSocketChannel s : bound) {
                try {
                    s.close();
                } catch (IOException ex) {
                    // the child binds them itself
                }
            }
        }
        ChildProcess c = new ChildProcess(e, spawner, cfg.get(Params.SERVICE_THROTTLE_TIME), listener);
        children.put(e.key(), c);
        c.start();
    }

    /** A listening socket that cannot be had at start-up: master exits with "fatal: bind ...". */
    static final class MasterFatal extends RuntimeException {
        MasterFatal(String message) {
            super(message);
        }
    }

    private Path unixSocket(MasterEntry e) {
        return e.type() == MasterEntry.ServiceType.UNIX ? Listeners.unixPath(e.service(), !e.privateSocket(), queueDir) : null;
    }

    private synchronized void reload() {
        Msg.info("reload -- version " + cfg.get(Params.MAIL_VERSION) + ", configuration " + configDir);
        MainCf newCfg;
        List<MasterEntry> entries;
        try {
            newCfg = loadConfig(configDir);
            entries = MasterCf.load(configDir, newCfg.get(Params.DEFAULT_PROCESS_LIMIT), w -> Msg.warn(w));
        } catch (ConfigException ex) {
            Msg.error(ex.getMessage() + " -- configuration not reloaded");
            return;
        }
        cfg = newCfg;
        Msg.init(cfg.get(Params.SYSLOG_NAME), "master", cfg.get(Params.MYHOSTNAME), cfg.get(Params.MAILLOG_FILE), true);
        Map<String, MasterEntry> wanted = new LinkedHashMap<>();
        for (MasterEntry e : entries) wanted.put(e.key(), e);
        for (var it = children.entrySet().iterator(); it.hasNext(); ) {
            var c = it.next();
            if (!wanted.containsKey(c.getKey())) {
                c.getValue().stop();
                c.getValue().awaitExit(System.nanoTime() + Duration.ofSeconds(5).toNanos());
                c.getValue().closeListener(unixSocket(c.getValue().entry()));
                it.remove();
            }
        }
        for (MasterEntry e : entries) {
            ChildProcess c = children.get(e.key());
            if (c == null) startChild(e, false);
            else c.restart(e);
        }
        scheduleWakeups();
    }

    private void scheduleWakeups() {
        for (ScheduledFuture<?> f : wakeups) f.cancel(false);
        wakeups.clear();
        for (ChildProcess c : children.values()) {
            MasterEntry e = c.entry();
            if (e.wakeup() <= 0 || e.type() != MasterEntry.ServiceType.UNIX) continue;
            Path socket = queueDir.resolve(e.socketPath());
            wakeups.add(timers.scheduleAtFixedRate(() -> {
                if ((!e.wakeupIfUsed() || c.used()) && !Trigger.send(socket, "W", cfg.get(Params.TRIGGER_TIMEOUT))) {
                    Msg.debug("wakeup " + socket + ": service not reachable");
                }
            }, e.wakeup(), e.wakeup(), TimeUnit.SECONDS));
        }
    }

    private void terminate(int signal) {
        synchronized (this) {
            Msg.info("terminating on signal " + signal);
            for (ChildProcess c : children.values()) c.stop();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            for (ChildProcess c : children.values()) c.awaitExit(deadline);
        }
        Runtime.getRuntime().halt(0);
    }
}
