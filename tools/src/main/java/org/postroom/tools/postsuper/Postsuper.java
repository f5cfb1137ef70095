package org.postroom.tools.postsuper;

import org.postroom.tools.common.Exit;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueName;
import org.postroom.tools.common.Cli;
import org.postroom.tools.common.Config;
import org.postroom.tools.common.Fatal;
import org.postroom.tools.common.ToolLog;
import org.postroom.tools.postqueue.Flush;
import org.postroom.util.ExitCode;
import org.postroom.util.Passwd;
import org.postroom.util.Posix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * NAME
 *     postsuper - Postroom superintendent
 * SYNOPSIS
 *     postsuper [-psSv] [-c config_dir] [-d queue_id] [-e queue_id] [-f queue_id] [-h queue_id] [-H queue_id]
 *               [-r queue_id] [queue...]
 * DESCRIPTION
 *     -d ID    Delete the message (default queues: hold, incoming, active, deferred) with its defer,
 *              bounce and trace logs. "-d ALL" deletes every message; "-d ALL deferred" only those in
 *              deferred. ALL must be upper case. "-" reads queue IDs from standard input.
 *     -h ID    Put on hold (from incoming, active, deferred). Maildrop mail cannot be held.
 *     -H ID    Release from hold into deferred.
 *     -e ID    Force-expire (default queues: hold, incoming, active, deferred): the file gets the
 *              force-expire mark (group execute) and qmgr returns the message to its sender at its next
 *              delivery attempt instead of delivering it ("status=force-expired"). A held message is
 *              not attempted until it is released.
 *     -f ID    As -e, and release the message from hold.
 *     -r ID    Requeue: pickup(8) and cleanup(8) copy the message into a new queue file with a new ID,
 *              so that address rewriting is applied again; the arrival time is kept; pickup logs
 *              "NEWID: uid=U from=<s> orig_id=OLDID".
 *     -s, -S   Structure check and repair: rename files whose name does not match their inode,
 *              move files to the hash subdirectory they belong in, remove unneeded subdirectories.
 *     -p       Purge temporary files older than a day.
 *     With no option, postsuper does -s and -p over all queues. -s, -p and the ALL forms run before
 *     the per-ID operations. Summaries go to standard error: "Deleted: N messages", "Placed on hold:
 *     N messages", "Released from hold: N messages", "Requeued: N messages", "Force-expired: N
 *     messages", in Postfix's order (requeue, delete, expire, hold, release).
 * SECURITY
 *     Root only (or the mail_owner of an instance that runs without root). Safe while the mail system
 *     runs: every move is one rename, so a message is always in exactly one queue; a requeued message
 *     is first moved out of qmgr's reach (hold) and removed only after its maildrop copy is on disk;
 *     hold and requeue of a message that qmgr is delivering wait until qmgr is done with it.
 * DIAGNOSTICS
 *     "postsuper: warning: invalid mail queue id: ID" (the ID is skipped), "postsuper: fatal: invalid
 *     directory name: NAME", "postsuper: fatal: use of this command is reserved for the superuser",
 *     usage errors as getopt(3) prints them. Exit 0 when done, even when nothing matched.
 * BUGS
 *     A force-expired message is logged as returned to sender, but no non-delivery notice is sent
 *     yet (there is no bounce(8) service).
 *     A crash during -r can leave the message both on hold and in maildrop.
 * CONFIGURATION PARAMETERS
 *     config_directory (/etc/postroom), queue_directory (/var/spool/postroom), mail_owner (postfix),
 *     hash_queue_names (deferred, defer), hash_queue_depth (1), line_length_limit (2048)
 * SEE ALSO
 *     postqueue(1), pickup(8), qmgr(8)
 */
@Command(name = "postsuper")
public final class Postsuper implements Cli.Tool {
    static final String USAGE = "postsuper [-c config_dir] [-d queue_id (delete)] [-e queue_id (expire)] "
            + "[-f queue_id (expire and/or un-hold)] [-h queue_id (hold)] "
            + "[-H queue_id (un-hold)] [-p (purge temporary files)] [-r queue_id (requeue)] [-s (structure fix)] "
            + "[-S (redundant structure fix)][-v (verbose)] [queue...]";

    static final List<QueueName> DEFAULT_QUEUES = List.of(QueueName.DEFER, QueueName.BOUNCE, QueueName.MAILDROP,
            QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED, QueueName.HOLD);
    static final List<QueueName> HOLD_QUEUES = List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED);
    static final List<QueueName> RELEASE_QUEUES = List.of(QueueName.HOLD);

    @Option(names = "-c") Path configDir;
    @Option(names = "-d") List<String> delete = new ArrayList<>();
    @Option(names = "-h") List<String> hold = new ArrayList<>();
    @Option(names = "-H") List<String> release = new ArrayList<>();
    @Option(names = "-r") List<String> requeue = new ArrayList<>();
    @Option(names = "-e") List<String> expire = new ArrayList<>();
    @Option(names = "-f") List<String> expireRelease = new ArrayList<>();
    @Option(names = "-p") boolean purge;
    @Option(names = {"-s", "-S"}) boolean structure;
    @Option(names = "-v") boolean[] verbose;
    @Parameters List<String> queueArgs = new ArrayList<>();

    public static void main(String[] args) {
        Exit.now(run(args));
    }

    /** Runs postsuper and returns its exit status. */
    public static int run(String[] args) {
        return Cli.run("postsuper", new Postsuper(), USAGE, ExitCode.FATAL, args);
    }

    @Override
    public Integer call() throws IOException {
        MainCf cfg = Config.load(Cli.configDirectory(configDir), "postsuper", ExitCode.FATAL);
        ToolLog.attach(cfg);
        Passwd.Entry owner = Passwd.byName(cfg.get(Params.MAIL_OWNER)).orElseThrow(() -> new Fatal("file "
                + cfg.file() + ": parameter mail_owner: unknown user name value: " + cfg.get(Params.MAIL_OWNER)));
        int euid = Posix.geteuid();
        if (euid != 0 && euid != owner.uid()) throw new Fatal("use of this command is reserved for the superuser");
        List<QueueName> named = new ArrayList<>();
        for (String a : queueArgs) {
            QueueName q = QueueName.of(a);
            if (q == null || q == QueueName.CORRUPT || q == QueueName.SAVED) throw new Fatal("invalid directory name: " + a);
            named.add(q);
        }
        MailQueue queue = Config.queue(cfg, ExitCode.FATAL);
        QueueFiles files = new QueueFiles(queue, owner.uid(), owner.gid(), euid == 0);
        ActiveGuard guard = new ActiveGuard(queue.root());
        int maxRecord = Math.max(cfg.get(Params.LINE_LENGTH_LIMIT), 1024) * 4;
        MessageOps ops = new MessageOps(files, guard, new Requeuer(files, maxRecord));
        Counts counts = new Counts();

        int action = (structure ? Sweep.STRUCT : 0) | (purge ? Sweep.PURGE : 0)
                | (delete.contains("ALL") ? Sweep.DELETE_ALL : 0) | (requeue.contains("ALL") ? Sweep.REQUEUE_ALL : 0)
                | (hold.contains("ALL") ? Sweep.HOLD_ALL : 0) | (release.contains("ALL") ? Sweep.RELEASE_ALL : 0)
                | (expire.contains("ALL") ? Sweep.EXPIRE_ALL : 0) | (expireRelease.contains("ALL") ? Sweep.EXPIRE_RELEASE_ALL : 0);
        boolean byId = ids(delete) || ids(requeue) || ids(hold) || ids(release) || ids(expire) || ids(expireRelease);
        if (action == 0 && !byId) action = Sweep.STRUCT | Sweep.PURGE;
        int expiryOnly = Sweep.EXPIRE_ALL | Sweep.EXPIRE_RELEASE_ALL;
        List<QueueName> sweepQueues = !named.isEmpty() ? named
                : action == Sweep.HOLD_ALL && !byId ? HOLD_QUEUES
                : action == Sweep.RELEASE_ALL && !byId ? RELEASE_QUEUES
                : (action & ~expiryOnly) == 0 && !byId ? MessageOps.EXPIRE_QUEUES : DEFAULT_QUEUES;
        Set<QueueName> hashed = EnumSet.noneOf(QueueName.class);
        for (String n : cfg.get(Params.HASH_QUEUE_NAMES)) if (QueueName.of(n) != null) hashed.add(QueueName.of(n));
        Sweep sweep = new Sweep(files, hashed, cfg.get(Params.HASH_QUEUE_DEPTH), counts, ops, guard);
        if (action != 0) {
            int left = sweep.run(sweepQueues, action);
            if (counts.inodeMismatch > 0 || left != action) sweep.run(sweepQueues, action);
        }
        if (byId && (counts.inodeMismatch > 0 || counts.inodeFixed > 0)) {
            System.err.println("postsuper: error: QUEUE FILE NAMES WERE CHANGED TO MATCH INODE NUMBERS");
            throw new Fatal("CHECK YOUR QUEUE IDS AND RE-ISSUE THE COMMAND");
        }
        List<QueueName> all = named.isEmpty() ? DEFAULT_QUEUES : named;
        // postsuper.c's order: requeue, delete, expire, hold, release, expire-and-release
        List<QueueName> expiring = named.isEmpty() ? MessageOps.EXPIRE_QUEUES : named;
        counts.requeued += each(ops, MessageOps.Op.REQUEUE, requeue, all);
        counts.deleted += each(ops, MessageOps.Op.DELETE, delete, all);
        counts.expired += each(ops, MessageOps.Op.EXPIRE, expire, expiring);
        counts.held += each(ops, MessageOps.Op.HOLD, hold, named.isEmpty() ? HOLD_QUEUES : named);
        counts.released += each(ops, MessageOps.Op.RELEASE, release, named.isEmpty() ? RELEASE_QUEUES : named);
        if (!expireRelease.contains("ALL")) {
            for (String id : idArgs(expireRelease)) {
                MessageOps.ExpireRelease r = ops.expireRelease(expiring, id, true);
                counts.expired += r.expired();
                counts.released += r.released();
            }
        }

        if (!requeue.isEmpty()) ToolLog.info("Requeued: " + Counts.messages(counts.requeued));
        if (!delete.isEmpty()) ToolLog.info("Deleted: " + Counts.messages(counts.deleted));
        if (!expire.isEmpty() || !expireRelease.isEmpty()) ToolLog.info("Force-expired: " + Counts.messages(counts.expired));
        if (!hold.isEmpty()) ToolLog.info("Placed on hold: " + Counts.messages(counts.held));
        if (!release.isEmpty() || !expireRelease.isEmpty()) ToolLog.info("Released from hold: " + Counts.messages(counts.released));
        if (counts.inodeFixed > 0) ToolLog.info("Renamed to match inode number: " + Counts.messages(counts.inodeFixed));
        if (counts.inodeMismatch > 0 || counts.inodeFixed > 0) ToolLog.warn("QUEUE FILE NAMES WERE CHANGED TO MATCH INODE NUMBERS");
        if (counts.requeued > 0) Flush.wakePickup(queue.root());
        return ExitCode.OK;
    }

    private static boolean ids(List<String> args) {
        return args.stream().anyMatch(a -> !a.equals("ALL"));
    }

    private static int each(MessageOps ops, MessageOps.Op op, List<String> args, List<QueueName> queues) throws IOException {
        if (args.contains("ALL")) return 0;
        int n = 0;
        for (String id : idArgs(args)) n += ops.apply(op, queues, id);
        return n;
    }

    /** The queue IDs of an option's arguments, "-" standing for those on standard input. */
    private static List<String> idArgs(List<String> args) throws IOException {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            if (a.equals("-")) {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line = in.readLine(); line != null; line = in.readLine()) out.add(line);
            } else {
                out.add(a);
            }
        }
        return out;
    }
}
