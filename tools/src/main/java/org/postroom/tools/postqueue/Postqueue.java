package org.postroom.tools.postqueue;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.table.UserAcl;
import org.postroom.tools.common.Cli;
import org.postroom.tools.common.Config;
import org.postroom.tools.common.Exit;
import org.postroom.tools.common.Fatal;
import org.postroom.tools.common.Spec;
import org.postroom.tools.common.ToolLog;
import org.postroom.tools.common.Uid;
import org.postroom.tools.common.Warm;
import org.postroom.util.ExitCode;
import picocli.CommandLine.Model.CommandSpec;

/**
 * NAME
 *     postqueue - Postroom queue control
 * SYNOPSIS
 *     postqueue [-v] [-c config_dir] -f
 *     postqueue [-v] [-c config_dir] -i queue_id
 *     postqueue [-v] [-c config_dir] -s site
 *     postqueue [-v] [-c config_dir] -j
 *     postqueue [-v] [-c config_dir] -p
 *     mailq (the same as postqueue -p)
 * DESCRIPTION
 *     -p  List the queue in Postfix's mailq layout: queue ID (followed by * in the active queue, ! on
 *         hold, # when force-expired), size, arrival time, sender; the reason of the last deferral
 *         in parentheses when it changes; the recipients; and "-- N Kbytes in M Requests." or "Mail
 *         queue is empty". Queues are listed as maildrop, active, incoming, deferred, hold.
 *     -j  The same information as JSON, one object per message (queue_name, queue_id, arrival_time,
 *         message_size, forced_expire, sender, recipients with address and delay_reason).
 *     -f  Retry all deferred mail now (trigger FADI to qmgr, W to pickup).
 *     -i  Retry the deferred message with this ID now; unknown IDs are silently ignored.
 *     -s  Retry deferred mail for a site listed in fast_flush_domains.
 *     -c  Use this configuration directory (also: $MAIL_CONFIG).
 *     The listing comes from the showq(8) service on public/showq.
 * SECURITY
 *     Runs with the user's privileges. authorized_mailq_users decides who may list the queue and
 *     authorized_flush_users who may flush it (both static:anyone, everybody, by default); root and
 *     mail_owner always may. Others get "postqueue: fatal: User NAME(UID) is not allowed to view (flush)
 *     the mail queue" and exit 69. Only root (and mail_owner) may read the queue directories themselves.
 * DIAGNOSTICS
 *     "postqueue: fatal: usage: ..." and exit 69 for a bad or missing option. When showq cannot be
 *     reached, root gets "postqueue: warning: Mail system is down -- accessing queue directly (...)"
 *     and the listing, other users "postqueue: fatal: Queue report unavailable - mail system is down"
 *     (exit 69). "Cannot flush mail queue - mail system is down" (exit 69) for -f when qmgr is down.
 * BUGS
 *     There is no flush(8) daemon: -i and -s move the deferred files to incoming themselves, which
 *     needs root; other users get a full flush instead.
 * CONFIGURATION PARAMETERS
 *     config_directory (/etc/postroom), queue_directory (/var/spool/postroom),
 *     hash_queue_names (deferred, defer), hash_queue_depth (1), enable_long_queue_ids (no),
 *     empty_address_recipient (MAILER-DAEMON), fast_flush_domains ($relay_domains),
 *     authorized_mailq_users (static:anyone), authorized_flush_users (static:anyone), mail_owner
 * SEE ALSO
 *     showq(8), qmgr(8), postsuper(1), sendmail(1)
 */
public final class Postqueue implements Cli.Tool, Spec.Fields {
    static final String USAGE = "postqueue -f | postqueue -i queueid | postqueue -j | postqueue -p | postqueue -s site";

    Path configDir;
    boolean flush;
    String flushId;
    boolean json;
    boolean list;
    String site;
    boolean[] verbose;
    List<String> extra = new ArrayList<>();

    /** The options, as {@code @Option(names = "-c") Path configDir;} etc. would declare them. */
    CommandSpec spec() {
        return new Spec("postqueue", this, this).value("configDir", Path.class, "-c").flag("flush", "-f")
                .value("flushId", String.class, "-i").flag("json", "-j").flag("list", "-p").value("site", String.class, "-s")
                .flags("verbose", "-v").positionals("extra").build();
    }

    @Override
    public Object get(String field) {
        return switch (field) {
            case "configDir" -> configDir;
            case "flush" -> flush;
            case "flushId" -> flushId;
            case "json" -> json;
            case "list" -> list;
            case "site" -> site;
            case "verbose" -> verbose;
            case "extra" -> extra;
            default -> throw new IllegalArgumentException(field);
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public void set(String field, Object v) {
        switch (field) {
            case "configDir" -> configDir = (Path) v;
            case "flush" -> flush = (Boolean) v;
            case "flushId" -> flushId = (String) v;
            case "json" -> json = (Boolean) v;
            case "list" -> list = (Boolean) v;
            case "site" -> site = (String) v;
            case "verbose" -> verbose = (boolean[]) v;
            case "extra" -> extra = (List<String>) v;
            default -> throw new IllegalArgumentException(field);
        }
    }

    public static void main(String[] args) {
        Warm.unixSockets();
        Exit.now(run(args));
    }

    /** Runs postqueue; {@code mailq} is the same with -p. */
    public static int run(String[] args) {
        return Cli.run("postqueue", new Postqueue().spec(), USAGE, ExitCode.UNAVAILABLE, args);
    }

    @Override
    public Integer call() {
        int modes = (flush ? 1 : 0) + (flushId != null ? 1 : 0) + (json ? 1 : 0) + (list ? 1 : 0) + (site != null ? 1 : 0);
        if (modes != 1 || !extra.isEmpty()) {
            ToolLog.fatal("usage: " + USAGE);
            return ExitCode.UNAVAILABLE;
        }
        Path dir = Cli.configDirectory(configDir);
        MainCf cfg = Config.load(dir, "postqueue", ExitCode.UNAVAILABLE);
        ToolLog.attach(cfg);
        MailQueue queue = Config.queue(cfg, ExitCode.UNAVAILABLE);
        authorize(cfg, json || list ? Params.AUTHORIZED_MAILQ_USERS : Params.AUTHORIZED_FLUSH_USERS,
                json || list ? "view" : "flush");
        if (flush) Flush.all(queue.root());
        else if (flushId != null) Flush.one(cfg, queue, flushId);
        else if (site != null) Flush.site(cfg, queue, site);
        else {
            PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                    false, StandardCharsets.UTF_8);
            Listing l = json ? new JsonFormat(out) : new CompatFormat(out, longIds(cfg), ZoneId::systemDefault);
            try {
                QueueSource.list(cfg, queue, l);
            } finally {
                out.flush();
            }
        }
        return ExitCode.OK;
    }

    /** authorized_mailq_users / authorized_flush_users; root and mail_owner are always admitted. */
    private static void authorize(MainCf cfg, Param<List<String>> param, String what) {
        String user;
        int uid;
        try {
            UserAcl acl = UserAcl.lenient(cfg, param);
            if (acl.anyone()) return; // the default: no passwd lookups on every listing
            uid = Uid.real();
            if (QueueSource.rootOrOwner(cfg, uid)) return;
            user = acl.refused(uid, ToolLog::warn);
        } catch (RuntimeException e) {
            throw new Fatal(e.getMessage(), ExitCode.UNAVAILABLE);
        }
        if (user != null) throw new Fatal("User " + user + "(" + uid + ") is not allowed to " + what + " the mail queue", ExitCode.UNAVAILABLE);
    }

    private static boolean longIds(MainCf cfg) {
        try {
            return cfg.get(Params.ENABLE_LONG_QUEUE_IDS);
        } catch (RuntimeException e) {
            throw new Fatal(e.getMessage(), ExitCode.UNAVAILABLE);
        }
    }
}
