package org.postroom.flush;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.ipc.Trigger;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.flush.FlushClient;
import org.postroom.global.proto.showq.QueueEntry;
import org.postroom.global.proto.showq.QueueScanner;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.global.table.DomainList;
import org.postroom.global.table.TableException;
import org.postroom.global.table.UserAcl;
import org.postroom.service.Connection;
import org.postroom.service.ConnectionService;
import org.postroom.service.ServiceContext;
import org.postroom.service.ServiceMain;
import org.postroom.service.ServiceSpec;
import org.postroom.util.Printable;

/**
 * NAME
 *     flush - Postroom fast flush server
 * SYNOPSIS
 *     flush [generic Postfix daemon options]
 * DESCRIPTION
 *     Delivers deferred mail now on request, for users who may not touch the queue themselves
 *     (postqueue -i, postqueue -s, sendmail -qI, sendmail -qR). Requests on public/flush:
 *     send_file queue_id=ID   the deferred message ID is moved to incoming (its time stamp set to now)
 *                             and qmgr is asked to scan incoming. An ID that is not deferred is not
 *                             an error: it may be in delivery already.
 *     send_site site=DOMAIN   the same for every deferred message with a recipient in DOMAIN, which
 *                             must be in fast_flush_domains (with its subdomains when
 *                             fast_flush_domains is named in parent_domain_matches_subdomains).
 *     add, refresh, purge     accepted and answered OK (there are no per-site logs, see BUGS).
 *     Each answer is status=N: 0 done, -1 failed, 3 malformed request, 4 site not eligible.
 * SECURITY
 *     Runs as mail_owner, never as root. A client can only ask for deferred mail to be tried now; it
 *     cannot name a file outside the deferred queue (queue IDs and site names are checked). Clients are
 *     identified by the kernel (SO_PEERCRED): one that authorized_flush_users does not list (root and
 *     mail_owner always pass) is refused with a warning, since Postroom's postqueue is not set-gid and
 *     its own check can be bypassed.
 * DIAGNOSTICS
 *     Problems are logged to maillog_file.
 * BUGS
 *     Postfix keeps a log per destination (the "fast flush" logs) that smtp(8) and qmgr(8) add to as
 *     they defer mail; this server scans the deferred queue instead, which costs a read of each
 *     deferred envelope per send_site request.
 * CONFIGURATION PARAMETERS
 *     queue_directory (/var/spool/postroom)   where deferred and incoming are
 *     fast_flush_domains ($relay_domains)     destinations that send_site accepts
 *     parent_domain_matches_subdomains        whether those include their subdomains
 *     hash_queue_names, hash_queue_depth      the deferred queue's hashing
 *     ipc_timeout (3600s)                     limit on one client
 *     trigger_timeout (10s)                   limit on waking qmgr
 * SEE ALSO
 *     postqueue(1), qmgr(8), master(8)
 */
public final class Flush implements ConnectionService {
    static final ServiceSpec SPEC = new ServiceSpec("flush", List.of(Params.QUEUE_DIRECTORY, Params.HASH_QUEUE_NAMES,
            Params.HASH_QUEUE_DEPTH, Params.FAST_FLUSH_DOMAINS, Params.PARENT_DOMAIN_MATCHES_SUBDOMAINS,
            Params.EMPTY_ADDRESS_RECIPIENT, Params.LINE_LENGTH_LIMIT, Params.IPC_TIMEOUT, Params.TRIGGER_TIMEOUT,
            Params.AUTHORIZED_FLUSH_USERS, Params.MAIL_OWNER), Set.of());

    public static void main(String[] args) {
        ServiceMain.run(args, SPEC, Flush::new);
    }

    private final MailQueue queue;
    private final QueueScanner scanner;
    private final DomainList fastFlush;
    private final Duration timeout;
    private final Duration triggerTimeout;
    private final UserAcl flushUsers;
    private final String mailOwner;

    Flush(ServiceContext ctx) {
        MainCf cfg = ctx.config();
        this.queue = ctx.queue();
        this.scanner = QueueScanner.of(cfg, queue);
        this.fastFlush = new DomainList(Params.FAST_FLUSH_DOMAINS.name(), cfg.get(Params.FAST_FLUSH_DOMAINS),
                DomainList.parentStyle(cfg.get(Params.PARENT_DOMAIN_MATCHES_SUBDOMAINS), Params.FAST_FLUSH_DOMAINS.name()));
        this.timeout = cfg.get(Params.IPC_TIMEOUT);
        this.triggerTimeout = cfg.get(Params.TRIGGER_TIMEOUT);
        this.flushUsers = UserAcl.lenient(cfg, Params.AUTHORIZED_FLUSH_USERS);
        this.mailOwner = cfg.get(Params.MAIL_OWNER);
    }

    @Override
    public void serve(Connection client) throws IOException {
        Optional<String> user = flushUsers.anyone() ? Optional.empty() : client.peerUser();
        if (!flushUsers.admitsClient(user, mailOwner, Msg::warn)) {
            Msg.warn("refusing to flush for user " + Printable.sanitize(user.get()) + " (authorized_flush_users)");
            return;
        }
        org.postroom.service.StatusRequests.serve(client, FlushClient.PROTOCOL, timeout, this::handle);
    }

    /** One request; the status to answer. */
    int handle(Attrs request) {
        String what = request.optional(AttrNames.REQUEST).orElse("");
        return switch (what) {
            case FlushClient.SEND_FILE -> sendFile(request.optional(AttrNames.QUEUE_ID).orElse(""));
            case FlushClient.SEND_SITE -> sendSite(request.optional(FlushClient.SITE).orElse(""));
            case "add", "refresh", "purge" -> FlushClient.STAT_OK;
            default -> {
                Msg.warn("unrecognized request: \"" + Printable.sanitize(what) + "\", ignored");
                yield FlushClient.STAT_BAD;
            }
        };
    }

    private int sendFile(String id) {
        if (!QueueId.valid(id)) return FlushClient.STAT_BAD;
        try {
            if (move(new QueueId(id))) wakeQmgr();
            return FlushClient.STAT_OK;
        } catch (IOException e) {
            Msg.warn(id + ": cannot move to incoming: " + e.getMessage());
            return FlushClient.STAT_FAIL;
        }
    }

    private int sendSite(String site) {
        if (!FlushClient.validSite(site)) return FlushClient.STAT_BAD;
        String s = site.toLowerCase(Locale.ROOT);
        try {
            if (!fastFlush.matches(s)) return FlushClient.STAT_DENY;
        } catch (TableException e) {
            Msg.warn(Params.FAST_FLUSH_DOMAINS.name() + ": " + e.getMessage());
            return FlushClient.STAT_FAIL;
        }
        int moved = 0;
        try {
            for (QueueId id : queue.list(QueueName.DEFERRED)) {
                QueueEntry e = scanner.read(QueueName.DEFERRED, id);
                if (e != null && e.recipients().stream().anyMatch(r -> domainOf(r.address()).equals(s)) && move(id)) moved++;
            }
        } catch (IOException e) {
            Msg.warn("scan deferred queue for " + s + ": " + e.getMessage());
            return FlushClient.STAT_FAIL;
        }
        if (moved > 0) wakeQmgr();
        return FlushClient.STAT_OK;
    }

    /** deferred/ID to incoming/ID with a current time stamp (flush_one_file); false when it is not deferred. */
    private boolean move(QueueId id) throws IOException {
        Path p = queue.path(QueueName.DEFERRED, id);
        try {
            if (!MailQueue.isReady(p)) return false;
            Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis()));
            queue.rename(id, QueueName.DEFERRED, QueueName.INCOMING);
            return true;
        } catch (NoSuchFileException e) {
            return false; // in delivery, or gone
        }
    }

    private void wakeQmgr() {
        Trigger.send(queue.root().resolve("public/qmgr"), "I", triggerTimeout);
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
