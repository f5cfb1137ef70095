package org.postroom.master;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postroom.global.config.MasterEntry;
import org.postroom.util.Posix;

/**
 * Builds and starts a child's command line the way master_spawn.c does: $daemon_directory/COMMAND
 * with "-n service" (when the names differ), "-t type", "-u" when unprivileged, "-l"/"-z"/"-m N"
 * for the process limit, "-p" for public Unix sockets, the entry's -o overrides and arguments.
 * When master runs as root, unprivileged services start through setpriv(1) as mail_owner. master binds the
 * listening sockets itself (as root: ports below 1024 too) and passes each child its socket; an inet service
 * with more than one address binds its own and starts with the one capability to bind privileged ports.
 */
final class Spawner {
    private final Path daemonDirectory;
    private final Path configDirectory;
    private final Path queueDirectory;
    private final int ownerUid;
    private final int ownerGid;
    private final boolean root;
    private final boolean verbose;

    Spawner(Path daemonDirectory, Path configDirectory, Path queueDirectory, int ownerUid, int ownerGid, boolean root, boolean verbose) {
        this.daemonDirectory = daemonDirectory;
        this.configDirectory = configDirectory;
        this.queueDirectory = queueDirectory;
        this.ownerUid = ownerUid;
        this.ownerGid = ownerGid;
        this.root = root;
        this.verbose = verbose;
    }

    String program(MasterEntry e) {
        return daemonDirectory.resolve(e.command()).toString();
    }

    /** The command line; {@code bindsItself}: the child binds its own sockets (it was given none by master). */
    List<String> command(MasterEntry e, boolean bindsItself) {
        List<String> c = new ArrayList<>();
        if (root && e.unprivileged()) {
            c.addAll(List.of("setpriv", "--reuid=" + ownerUid, "--regid=" + ownerGid, "--clear-groups"));
            if (e.type() == MasterEntry.ServiceType.INET && bindsItself) {
                // mail_owner may bind ports below 1024 (smtp, submission) and nothing else
                c.addAll(List.of("--inh-caps=+net_bind_service", "--ambient-caps=+net_bind_service"));
            }
            c.add("--");
        }
        c.add(program(e));
        if (!Path.of(e.command()).getFileName().toString().equals(e.service())) {
            c.add("-n");
            c.add(e.service());
        }
        c.add("-t");
        c.add(e.type().word);
        if (e.unprivileged()) c.add("-u");
        if (e.maxProcesses() == 1) c.add("-l");
        else if (e.maxProcesses() == 0) c.add("-z");
        else {
            c.add("-m");
            c.add(Integer.toString(e.maxProcesses()));
        }
        if (e.type() == MasterEntry.ServiceType.UNIX && !e.privateSocket()) c.add("-p");
        if (verbose) c.add("-v");
        for (Map.Entry<String, String> o : e.overrides().entrySet()) {
            c.add("-o");
            c.add(o.getKey() + "=" + o.getValue());
        }
        c.addAll(e.args());
        return c;
    }

    int commandIndex(List<String> cmd) {
        return cmd.get(0).equals("setpriv") ? cmd.indexOf("--") + 1 : 0;
    }

    /**
     * Starts the child; {@code listenFd} (not -1) becomes its standard input, the listening socket it serves
     * (System.inheritedChannel()), else its standard input is /dev/null. The JDK gives a child no descriptor but
     * 0, 1 and 2, so master makes the socket its own descriptor 0 for the moment of the spawn, under a lock.
     */
    Process start(List<String> cmd, int listenFd) throws IOException {
        Path exe = Path.of(cmd.get(commandIndex(cmd)));
        if (!Files.isExecutable(exe)) throw new IOException("No such file or directory");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("MAIL_CONFIG", configDirectory.toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
        pb.directory(queueDirectory.toFile());
        if (listenFd < 0) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            return pb.start();
        }
        pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        synchronized (Spawner.class) {
            if (savedStdin < 0) savedStdin = Posix.dup(0);
            if (savedStdin < 0 || !Posix.dup2(listenFd, 0)) throw new IOException("cannot pass the listening socket: dup2 failed");
            try {
                return pb.start();
            } finally {
                Posix.dup2(savedStdin, 0);
            }
        }
    }

    /** master's own standard input, kept while descriptor 0 lends a listening socket to a child. */
    private static int savedStdin = -1;
}
