package org.postroom.showq;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.ipc.AttrWriter;
import org.postroom.global.proto.showq.QueueEntry;
import org.postroom.global.proto.showq.QueueScanner;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.showq.ShowqProtocol;
import org.postroom.global.table.UserAcl;
import org.postroom.service.Connection;
import org.postroom.service.ConnectionService;
import org.postroom.service.ServiceContext;
import org.postroom.service.ServiceMain;
import org.postroom.service.ServiceSpec;
import org.postroom.util.Printable;

/**
 * NAME
 *     showq - Postroom list the mail queue
 * SYNOPSIS
 *     showq [generic Postfix daemon options]
 * DESCRIPTION
 *     Serves the queue listing on public/showq for postqueue(1), mailq(1) and sendmail -bp, so that
 *     users who may not read the queue directories can still list the queue. For each client it walks
 *     maildrop, active, incoming, deferred and hold (in that order, each in directory order) and sends
 *     one record per ready queue file: queue name, queue ID, arrival time, size, the force-expire flag,
 *     the sender, and the recipients still to do, those from the defer log first with their reasons.
 *     The client formats the records (postqueue -p, postqueue -j). The conversation is described in
 *     ShowqProtocol.
 * SECURITY
 *     The showq server is moderately security sensitive: it reads queue files, which only mail_owner
 *     may read, and tells a local user who sends mail to whom. It runs as mail_owner, never as root,
 *     opens no file for writing, and reads nothing from its clients. Clients are identified by the
 *     kernel (SO_PEERCRED): one that authorized_mailq_users does not list (root and mail_owner always
 *     pass) gets no listing and a warning is logged, since Postroom's postqueue is not set-gid (Postfix
 *     relies on its set-gid postqueue and a public/ directory only that group may enter).
 *     Addresses are shown in external form with control characters replaced.
 * DIAGNOSTICS
 *     Problems are logged to maillog_file. Files that change under the scan (delivered, moved,
 *     malformed) are silently skipped.
 * BUGS
 *     One JVM serves all clients (see known-issues); a listing of a very large queue is streamed,
 *     not held in memory.
 * CONFIGURATION PARAMETERS
 *     queue_directory (/var/spool/postroom)     the queue to list
 *     hash_queue_names (deferred, defer)       hashed queue directories
 *     hash_queue_depth (1)                     hash levels
 *     empty_address_recipient (MAILER-DAEMON)  how the null sender is shown
 *     line_length_limit (2048)                 bounds each record read
 *     ipc_timeout (3600s)                      limit on one client
 * SEE ALSO
 *     postqueue(1), mailq(1), qmgr(8), master(8)
 */
public final class Showq implements ConnectionService {
    static final ServiceSpec SPEC = new ServiceSpec("showq", List.of(Params.QUEUE_DIRECTORY, Params.HASH_QUEUE_NAMES,
            Params.HASH_QUEUE_DEPTH, Params.EMPTY_ADDRESS_RECIPIENT, Params.LINE_LENGTH_LIMIT, Params.IPC_TIMEOUT,
            Params.AUTHORIZED_MAILQ_USERS, Params.MAIL_OWNER), Set.of());

    public static void main(String[] args) {
        ServiceMain.run(args, SPEC, Showq::new);
    }

    private final QueueScanner scanner;
    private final java.time.Duration timeout;
    private final UserAcl mailqUsers;
    private final String mailOwner;

    Showq(ServiceContext ctx) {
        MainCf cfg = ctx.config();
        this.scanner = QueueScanner.of(cfg, ctx.queue());
        this.timeout = cfg.get(Params.IPC_TIMEOUT);
        this.mailqUsers = UserAcl.lenient(cfg, Params.AUTHORIZED_MAILQ_USERS);
        this.mailOwner = cfg.get(Params.MAIL_OWNER);
    }

    @Override
    public void serve(Connection client) throws IOException {
        Optional<String> user = mailqUsers.anyone() ? Optional.empty() : client.peerUser();
        if (!mailqUsers.admitsClient(user, mailOwner, Msg::warn)) {
            Msg.warn("refusing the queue listing to user " + Printable.sanitize(user.get()) + " (authorized_mailq_users)");
            return;
        }
        client.deadline(timeout);
        OutputStream out = client.out();
        ShowqProtocol.greet(new AttrWriter(out));
        scanner.scan(e -> ShowqProtocol.write(out, e));
        ShowqProtocol.end(out);
    }
}
