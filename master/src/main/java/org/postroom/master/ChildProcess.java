package org.postroom.master;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.postroom.global.config.MasterEntry;
import org.postroom.global.log.Msg;

/**
 * One master.cf service and the JVM that runs it (master_spawn.c, master_avail.c). A thread keeps the
 * child running: it spawns it, waits for it, logs an abnormal exit, and respawns it at once -- or after
 * service_throttle_time when the child died before it said "ready" (bad command startup).
 */
final class ChildProcess {
    private final Spawner spawner;
    private final Duration throttle;
    private volatile MasterEntry entry;
    private volatile Process process;
    private volatile boolean stopping;
    private volatile boolean restarting;
    private volatile boolean everUsed;
    private Thread keeper;

    ChildProcess(MasterEntry entry, Spawner spawner, Duration throttle) {
        this.entry = entry;
        this.spawner = spawner;
        this.throttle = throttle;
    }

    MasterEntry entry() {
        return entry;
    }

    boolean used() {
        return everUsed;
    }

    synchronized void start() {
        keeper = Thread.ofPlatform().name("keep-" + entry.service()).start(this::keep);
    }

    private void keep() {
        while (!stopping) {
            MasterEntry e = entry;
            List<String> cmd = spawner.command(e);
            Process p;
            try {
                p = spawner.start(cmd);
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
            if (restarting) {
                restarting = false;
                continue;
            }
            if (status > 128) Msg.warn("process " + spawner.program(e) + " pid " + p.pid() + " killed by signal " + (status - 128));
            else Msg.warn("process " + spawner.program(e) + " pid " + p.pid() + " exit status " + status);
            if (!ready) {
                Msg.warn(spawner.program(e) + ": bad command startup -- throttling");
                if (!sleep(throttle)) return;
            }
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
