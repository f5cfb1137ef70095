package org.postroom.master;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.postroom.global.config.MasterEntry;
import org.postroom.global.ipc.Listeners;
import org.postroom.global.log.Msg;

/**
 * One master.cf service and the JVM that runs it (master_spawn.c, master_avail.c). master holds the
 * service's listening socket; a thread watches it and spawns the child when a client is waiting (qmgr and
 * pickup, with their wake-up timers, at once), hands it the socket as its standard input, waits for it,
 * and logs an abnormal exit. A child that exits 0 after "ready" went idle (max_idle): the socket is watched
 * again. One that died before it said "ready" is a bad command startup: the next start waits
 * service_throttle_time, and meanwhile its clients are turned away at once (accepted and closed). A service whose socket master cannot hold (an inet service with several
 * addresses) binds its own, and is kept running from the start, respawned at once when it exits.
 */
final class ChildProcess {
    private final Spawner spawner;
    private final Duration throttle;
    /** The listening socket master holds for the service (null: the child binds its own and always runs). */
    private final ServerSocketChannel listener;
    private final int listenFd;
    private volatile MasterEntry entry;
    private volatile Process process;
    private volatile boolean stopping;
    private volatile boolean restarting;
    private volatile boolean everUsed;
    private volatile Selector waiting;
    private Thread keeper;

    ChildProcess(MasterEntry entry, Spawner spawner, Duration throttle, ServerSocketChannel listener) {
        this.entry = entry;
        this.spawner = spawner;
        this.throttle = throttle;
        int fd = listener == null ? -1 : Listeners.fd(listener);
        this.listener = fd < 0 ? null : listener;
        this.listenFd = fd;
    }

    MasterEntry entry() {
        return entry;
    }

    boolean used() {
        return everUsed;
    }

    /** True when the child is started only when a client arrives (master holds its socket). */
    boolean onDemand() {
        return listener != null;
    }

    synchronized void start() {
        keeper = Thread.ofPlatform().name("keep-" + entry.service()).start(this::keep);
    }

    /**
     * A service with a wake-up timer that is not conditional ('?') starts with master and after any exit, as
     * Postfix's master wakes it at once (master_wakeup.c: the first timer fires with no delay): qmgr and pickup.
     * Every other service with a master-held socket starts when its first client is waiting.
     */
    private static boolean startsAtOnce(MasterEntry e) {
        return e.wakeup() > 0 && !e.wakeupIfUsed();
    }

    private void keep() {
        boolean now = listener == null || startsAtOnce(entry);
        while (!stopping) {
            if (!now && !awaitClient()) return;
            MasterEntry e = entry;
            List<String> cmd = spawner.command(e, listener == null);
            Process p;
            try {
                p = spawner.start(cmd, listenFd);
            } catch (IOException ex) {
                Msg.fatal("master_spawn: exec " + cmd.get(spawner.commandIndex(cmd)) + ": " + ex.getMessage());
                Msg.warn(spawner.program(e) + ": bad command startup -- throttling");
                if (!sleep(throttle)) return;
                continue;
            }
            process = p;
            everUsed = true;
            boolean ready = awaitReady(p);
            int status;
            try {
                status = p.waitFor();
            } catch (InterruptedException ex) {
                return;
            }
            if (stopping) return;
            now = listener == null || startsAtOnce(entry);
            if (restarting) {
                restarting = false;
                continue;
            }
            // a child that said "ready" and exits 0 left on its own (max_idle): the next client starts another
            if (ready && status == 0 && listener != null) continue;
            if (status > 128) Msg.warn("process " + spawner.program(e) + " pid " + p.pid() + " killed by signal " + (status - 128));
            else Msg.warn("process " + spawner.program(e) + " pid " + p.pid() + " exit status " + status);
            if (!ready) {
                Msg.warn(spawner.program(e) + ": bad command startup -- throttling");
                if (!(listener == null ? sleep(throttle) : refuseClients(throttle))) return;
            }
        }
    }

    /**
     * The throttle of a service that cannot start, with master's socket: clients waiting on it, and those that
     * come meanwhile, are accepted and closed at once, so that they fail now (a delivery agent defers, smtpd
     * answers 451) rather than wait out their timeouts for a service that is not there; false when master
     * stops meanwhile.
     */
    private boolean refuseClients(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        try (Selector sel = Selector.open()) {
            listener.configureBlocking(false);
            SelectionKey k = listener.register(sel, SelectionKey.OP_ACCEPT);
            waiting = sel;
            try {
                while (!stopping && System.nanoTime() < until) {
                    sel.select(Math.max(1, Math.min(1000, (until - System.nanoTime()) / 1_000_000)));
                    sel.selectedKeys().clear();
                    for (java.nio.channels.SocketChannel c; (c = listener.accept()) != null; ) c.close();
                }
            } finally {
                waiting = null;
                k.cancel();
                sel.selectNow();
                listener.configureBlocking(true);
            }
            return !stopping;
        } catch (IOException e) {
            Msg.warn("master: watch " + entry.service() + " socket: " + e.getMessage());
            return sleep(d);
        }
    }

    /**
     * Waits until a client is waiting on the service's socket (master_avail.c: the listen socket is
     * watched only while no child serves it); false when master stops meanwhile. The socket is in
     * blocking mode again when this returns, as the child expects it.
     */
    private boolean awaitClient() {
        try (Selector sel = Selector.open()) {
            listener.configureBlocking(false);
            SelectionKey k = listener.register(sel, SelectionKey.OP_ACCEPT);
            waiting = sel;
            try {
                while (!stopping && sel.select(1000) == 0) {
                    // wait
                }
            } finally {
                waiting = null;
                k.cancel();
                sel.selectNow();
                listener.configureBlocking(true);
            }
            return !stopping;
        } catch (IOException e) {
            Msg.warn("master: watch " + entry.service() + " socket: " + e.getMessage());
            return sleep(throttle);
        }
    }

    /** Closes master's listening socket (the service was removed from master.cf); a Unix socket's file goes too. */
    void closeListener(java.nio.file.Path unixSocket) {
        if (listener == null) return;
        try {
            listener.close();
            if (unixSocket != null) java.nio.file.Files.deleteIfExists(unixSocket);
        } catch (IOException e) {
            Msg.warn("master: close " + entry.service() + " socket: " + e.getMessage());
        }
    }

    /** Reads the child's stdout until "ready" or end of file; drains the rest in the background. */
    private static boolean awaitReady(Process p) {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        boolean ready = false;
        try {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.equals("ready")) {
                    ready = true;
                    break;
                }
            }
        } catch (IOException e) {
            return false;
        }
        Thread.ofVirtual().start(() -> {
            try {
                while (r.readLine() != null) {
                    // discard
                }
            } catch (IOException e) {
                // child gone
            }
        });
        return ready;
    }

    private boolean sleep(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        while (!stopping && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                return false;
            }
        }
        return !stopping;
    }

    /** Applies a reloaded entry: the running child is asked to exit and respawned with the new settings. */
    void restart(MasterEntry newEntry) {
        entry = newEntry;
        Process p = process;
        if (p != null && p.isAlive()) {
            restarting = true;
            p.destroy();
        }
    }

    /** Sends SIGTERM; the caller waits with {@link #awaitExit}. */
    void stop() {
        stopping = true;
        Selector sel = waiting;
        if (sel != null) sel.wakeup();
        Process p = process;
        if (p != null) p.destroy();
        if (keeper != null) keeper.interrupt();
    }

    void awaitExit(long deadlineNanos) {
        Process p = process;
        if (p == null) return;
        try {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0 && p.waitFor(left, TimeUnit.NANOSECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        p.destroyForcibly();
    }
}
