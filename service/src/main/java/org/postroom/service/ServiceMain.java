package org.postroom.service;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.ipc.IpcChannel;
import org.postroom.global.ipc.Listeners;
import org.postroom.global.ipc.ProtocolException;
import org.postroom.global.log.Msg;
import org.postroom.util.Posix;

/**
 * The daemon skeleton (single_server.c, trigger_server.c). It owns, so that no daemon does it itself:
 * the generic options master passes ({@code -n service -t type [-u] [-l] [-z] [-p] [-v] [-o name=value]...};
 * {@code -p} means a public socket, i.e. private=n),
 * loading main.cf from $MAIL_CONFIG with the -o overrides, validating the declared parameters, checking
 * the declared requirements against master.cf, the privilege check, the listening endpoint (Unix-domain
 * socket under queue_directory/{private,public}, or TCP for inet), the accept loop with one virtual thread
 * per client and maxproc as a concurrency limit, trigger coalescing, and the single catch ladder that maps
 * error kinds to log levels.
 *
 * The listening socket is master's, handed over as standard input ({@link System#inheritedChannel()}); a
 * service started without one (by hand, or an inet service with several addresses) binds its own. With
 * master's socket a service exits after max_idle without clients, as Postfix's do (not qmgr:
 * {@link Requirement#NO_IDLE_LIMIT}); master starts it again for the next client. Unlike Postfix, one JVM
 * serves all clients of a service, so max_use does not retire it: a JVM is too costly to restart per 100
 * clients. A service exits when master goes away.
 */
public final class ServiceMain {
    private ServiceMain() {}

    /** Runs the service; never returns normally. */
    public static void run(String[] args, ServiceSpec spec, Function<ServiceContext, Service> factory) {
        try {
            runOrThrow(args, spec, factory);
        } catch (ConfigException | FatalException e) {
            Msg.fatal(e.getMessage());
            System.exit(1);
        } catch (IOException e) {
            Msg.fatal(spec.program() + ": " + e.getMessage());
            System.exit(1);
        }
    }

    private static void runOrThrow(String[] args, ServiceSpec spec, Function<ServiceContext, Service> factory) throws IOException {
        String name = spec.program();
        String type = null;
        boolean verbose = false;
        boolean publicSocket = false;
        int maxproc = -1;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-n" -> name = args[++i];
                case "-t" -> type = args[++i];
                case "-m" -> maxproc = Integer.parseInt(args[++i]);
                case "-l" -> maxproc = 1;
                case "-z" -> maxproc = 0;
                case "-u", "-s" -> { }
                case "-p" -> publicSocket = true;
                case "-v" -> verbose = true;
                case "-o" -> {
                    String kv = args[++i];
                    int eq = kv.indexOf('=');
                    if (eq <= 0) throw new FatalException("bad -o option: " + kv);
                    overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                default -> throw new FatalException("unknown option: " + args[i]);
            }
        }
        if (type == null) throw new FatalException("do not run this command by hand");
        String serviceType = type;
        String configDir = System.getenv("MAIL_CONFIG");
        if (configDir == null || configDir.isEmpty()) throw new FatalException("MAIL_CONFIG is not set; do not run this command by hand");
        overrides.put("service_name", name);
        overrides.put("process_name", spec.program());
        MainCf cfg = MainCf.load(Path.of(configDir), overrides, w -> Msg.warn(w));
        Msg.init(cfg.get(Params.SYSLOG_NAME), spec.program(), cfg.get(Params.MYHOSTNAME), cfg.get(Params.MAILLOG_FILE), false);
        Msg.setVerbose(verbose);
        cfg.validate(spec.params());
        if (maxproc < 0) maxproc = cfg.get(Params.DEFAULT_PROCESS_LIMIT);
        if (spec.requirements().contains(Requirement.SOLITARY) && maxproc != 1) {
            throw new FatalException("service " + name + " requires a process limit of 1");
        }
        if (spec.requirements().contains(Requirement.UNLIMITED) && maxproc != 0) {
            throw new FatalException("service " + name + " requires a process limit of 0");
        }
        if (Posix.geteuid() == 0 && !spec.requirements().contains(Requirement.PRIVILEGED)) {
            throw new FatalException("service " + name + " must not run as root; master starts it as mail_owner");
        }
        watchParent();
        Stress stress = new Stress(type.equals("inet") && maxproc > 1, System::nanoTime);
        ServiceContext ctx = new ServiceContext(cfg, name, type, maxproc, publicSocket, stress);
        Service service = factory.apply(ctx);
        // master's socket, handed over as standard input (System.inheritedChannel()), or our own
        List<ServerSocketChannel> listeners;
        boolean handedOver = System.inheritedChannel() instanceof ServerSocketChannel;
        listeners = handedOver ? List.of((ServerSocketChannel) System.inheritedChannel()) : listen(ctx);
        // max_idle: a service master starts on demand exits after that long without a client (not qmgr)
        long idleLimit = handedOver && !spec.requirements().contains(Requirement.NO_IDLE_LIMIT)
                ? cfg.get(Params.MAX_IDLE).toNanos() : 0;
        Msg.debug("service " + name + " listening");
        System.out.println("ready"); // master(8) counts a child that never says this as a bad command startup
        System.out.flush();
        Semaphore limit = maxproc > 0 ? new Semaphore(maxproc) : null;
        Dispatcher dispatcher = new Dispatcher(service, limit, maxproc, stress, name, listenName(type, name, listeners));
        if (service instanceof TriggerService t) dispatcher.startTriggers(t);
        List<Thread> acceptors = new ArrayList<>();
        for (ServerSocketChannel l : listeners) {
            Thread th = Thread.ofPlatform().name("accept-" + name).start(() -> {
                if (idleLimit > 0) dispatcher.acceptUntilIdle(l, serviceType.equals("inet"), idleLimit);
                else dispatcher.acceptLoop(l, serviceType.equals("inet"));
            });
            acceptors.add(th);
        }
        for (Thread th : acceptors) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Master's name for the listen endpoint in its warnings: the port, or host:port when bound to one address. */
    private static String listenName(String type, String name, List<ServerSocketChannel> listeners) {
        if (!type.equals("inet") || listeners.isEmpty()) return name;
        try {
            if (listeners.getFirst().getLocalAddress() instanceof InetSocketAddress a) {
                return a.getAddress().isAnyLocalAddress() ? Integer.toString(a.getPort())
                        : a.getAddress().getHostAddress() + ":" + a.getPort();
            }
        } catch (IOException e) {
            // the name is only for a log line
        }
        return name;
    }

    /** Exits when master goes away, so that no service outlives its supervisor. */
    private static void watchParent() {
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> {
            Msg.debug("master went away -- exiting");
            Runtime.getRuntime().halt(0);
        }));
    }

    /** The service's sockets, bound here (a service started without master's socket, or with several addresses). */
    private static List<ServerSocketChannel> listen(ServiceContext ctx) throws IOException {
        List<ServerSocketChannel> out;
        try {
            out = Listeners.bind(ctx.serviceType(), ctx.serviceName(), ctx.publicSocket(), ctx.queueDirectory(),
                    ctx.config().get(Params.INET_INTERFACES));
        } catch (IllegalArgumentException e) {
            throw new FatalException(e.getMessage());
        }
        if (!ctx.serviceType().equals("inet")) {
            Path socket = Listeners.unixPath(ctx.serviceName(), ctx.publicSocket(), ctx.queueDirectory());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.deleteIfExists(socket);
                } catch (IOException e) {
                    // best effort
                }
            }));
        }
        return out;
    }

    /** Symbolic ports through known_tcp_ports first (smtp=25, submission=587, smtps=submissions=465). */
    static int knownPort(String port) {
        try {
            return Listeners.knownPort(port);
        } catch (IllegalArgumentException e) {
            throw new FatalException(e.getMessage());
        }
    }

    /** Accepts clients and runs each on a virtual thread; the one catch ladder lives here. */
    private static final class Dispatcher {
        private final Service service;
        private final Semaphore limit;
        private final AtomicLong serial = new AtomicLong();
        private final StringBuilder pendingTriggers = new StringBuilder();

        private final int maxproc;
        private final Stress stress;
        private final String extName;
        private final String listenName;
        private long busyWarned = Long.MIN_VALUE;

        Dispatcher(Service service, Semaphore limit, int maxproc, Stress stress, String extName, String listenName) {
            this.service = service;
            this.limit = limit;
            this.maxproc = maxproc;
            this.stress = stress;
            this.extName = extName;
            this.listenName = listenName;
        }

        /**
         * The last session slot was taken (master_avail_listen): the service is under stress, and
         * master's warning is logged, at most once in 1000 seconds.
         */
        private synchronized void lastSlotTaken() {
            if (!stress.eligible()) return;
            stress.pulse();
            long now = System.nanoTime();
            if (busyWarned != Long.MIN_VALUE && now - busyWarned < Stress.PULSE.toNanos()) return;
            busyWarned = now;
            Msg.warn("service \"" + extName + "\" (" + listenName + ") has reached its process limit \"" + maxproc
                    + "\": new clients may experience noticeable delays");
            Msg.warn("to avoid this condition, increase the process count in master.cf or reduce the service time per client");
            Msg.warn("see https://www.postfix.org/STRESS_README.html for examples of stress-adapting configuration settings");
        }

        /** Clients being served, and when the last one came or went (System.nanoTime()). */
        private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
        private volatile long lastActivity = System.nanoTime();

        /**
         * As {@link #acceptLoop}, but the service exits (status 0) once no client has been served for
         * {@code idleLimit} nanoseconds (single_server.c: "idle timeout -- exiting"). The same thread accepts
         * and decides to exit, so no client it accepted is dropped; one that connects later waits in the
         * socket's queue, and master starts the next child for it.
         */
        void acceptUntilIdle(ServerSocketChannel listener, boolean inet, long idleLimit) {
            try (Selector sel = Selector.open()) {
                listener.configureBlocking(false);
                listener.register(sel, SelectionKey.OP_ACCEPT);
                while (true) {
                    if (limit != null) limit.acquire();
                    SocketChannel ch = null;
                    while (ch == null) {
                        if (active.get() == 0 && System.nanoTime() - lastActivity >= idleLimit) {
                            Msg.debug("idle timeout -- exiting");
                            System.exit(0);
                        }
                        sel.select(1000);
                        sel.selectedKeys().clear();
                        ch = listener.accept();
                    }
                    ch.configureBlocking(true);
                    if (limit != null && limit.availablePermits() == 0) lastSlotTaken();
                    serve(ch, inet);
                }
            } catch (ClosedChannelException e) {
                // closed: the service is going away
            } catch (IOException e) {
                Msg.fatal("accept: " + e.getMessage());
                Runtime.getRuntime().halt(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Serves one accepted client on its own virtual thread. */
        private void serve(SocketChannel client, boolean inet) {
            active.incrementAndGet();
            lastActivity = System.nanoTime();
            Thread.ofVirtual().name(service.getClass().getSimpleName() + "#" + serial.incrementAndGet()).start(() -> {
                try {
                    handle(client, inet);
                } finally {
                    lastActivity = System.nanoTime();
                    active.decrementAndGet();
                    if (limit != null) limit.release();
                }
            });
        }

        void acceptLoop(ServerSocketChannel listener, boolean inet) {
            while (true) {
                SocketChannel ch;
                try {
                    if (limit != null) limit.acquire();
                    ch = listener.accept();
                    if (limit != null && limit.availablePermits() == 0) lastSlotTaken();
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    if (limit != null) limit.release();
                    Msg.warn("accept: " + e.getMessage());
                    continue;
                } catch (InterruptedException e) {
                    return;
                }
                serve(ch, inet);
            }
        }

        private void handle(SocketChannel ch, boolean inet) {
            InetSocketAddress peer = null, local = null;
            try {
                if (inet) {
                    peer = (InetSocketAddress) ch.getRemoteAddress();
                    local = (InetSocketAddress) ch.getLocalAddress();
                }
            } catch (IOException e) {
                closeQuietly(ch);
                return;
            }
            try (Connection c = new Connection(new IpcChannel(ch), peer, local)) {
                switch (service) {
                    case ConnectionService s -> s.serve(c);
                    case RequestService s -> serveRequests(s, c);
                    case TriggerService s -> readTriggers(c);
                }
            } catch (EOFException | ClosedChannelException e) {
                Msg.debug("peer went away: " + e);
            } catch (ProtocolException e) {
                Msg.warn("protocol error: " + e.getMessage());
            } catch (IOException e) {
                Msg.debug("I/O error: " + e.getMessage());
            } catch (ConfigException | FatalException e) {
                Msg.fatal(e.getMessage());
                Runtime.getRuntime().halt(1);
            } catch (RuntimeException | Error e) {
                Msg.panic("unexpected " + e + " at " + (e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?"));
                if (e instanceof Error) Runtime.getRuntime().halt(2);
            }
        }

        private void serveRequests(RequestService s, Connection c) throws IOException {
            c.ipc().attrWriter().attr(AttrNames.PROTOCOL, s.protocol()).end();
            while (true) {
                Attrs req;
                try {
                    req = c.ipc().attrReader().read();
                } catch (EOFException e) {
                    return;
                }
                c.ipc().attrWriter().write(s.handle(req));
            }
        }

        private void readTriggers(Connection c) throws IOException {
            byte[] buf = c.in().readNBytes(1024);
            synchronized (pendingTriggers) {
                for (byte b : buf) {
                    if (b > ' ' && b < 127 && pendingTriggers.indexOf(String.valueOf((char) b)) < 0) pendingTriggers.append((char) b);
                }
                pendingTriggers.notifyAll();
            }
        }

        void startTriggers(TriggerService t) {
            Thread.ofPlatform().name("trigger").start(() -> {
                try {
                    t.start();
                } catch (IOException e) {
                    Msg.warn("start-up: " + e.getMessage());
                } catch (ConfigException | FatalException e) {
                    Msg.fatal(e.getMessage());
                    Runtime.getRuntime().halt(1);
                }
                while (true) {
                    String triggers;
                    synchronized (pendingTriggers) {
                        while (pendingTriggers.isEmpty()) {
                            try {
                                pendingTriggers.wait();
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                        triggers = pendingTriggers.toString();
                        pendingTriggers.setLength(0);
                    }
                    try {
                        t.wakeup(triggers);
                    } catch (IOException e) {
                        Msg.warn("wakeup: " + e.getMessage());
                    } catch (ConfigException | FatalException e) {
                        Msg.fatal(e.getMessage());
                        Runtime.getRuntime().halt(1);
                    } catch (RuntimeException e) {
                        Msg.panic("unexpected " + e + " at " + (e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?"));
                        Runtime.getRuntime().halt(2);
                    }
                }
            });
        }

        private static void closeQuietly(SocketChannel ch) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing
            }
        }
    }
}
