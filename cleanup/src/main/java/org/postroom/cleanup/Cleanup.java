package org.postroom.cleanup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.ipc.IpcChannel;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.cleanup.CleanupClient;
import org.postroom.global.proto.cleanup.CleanupStatus;
import org.postroom.global.proto.rewrite.RewriteClient;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueName;
import org.postroom.global.record.RecordReader;
import org.postroom.service.Connection;
import org.postroom.service.ConnectionService;
import org.postroom.service.Requirement;
import org.postroom.service.ServiceContext;
import org.postroom.service.ServiceMain;
import org.postroom.service.ServiceSpec;

/**
 * NAME
 *     cleanup - canonicalize and enqueue Postroom message
 * SYNOPSIS
 *     cleanup [generic Postfix daemon options]
 * DESCRIPTION
 *     Receives one message per connection on public/cleanup from smtpd(8) or pickup(8). It greets
 *     with protocol=cleanup_protocol and the new queue ID, reads the client's flags, then the message
 *     as a record stream. It rewrites envelope addresses to canonical form through trivial-rewrite(8),
 *     removes duplicate recipients, drops the headers in message_drop_headers, adds missing
 *     Message-Id, Date and From headers for local mail, replaces stray CR and LF in content with
 *     spaces, enforces message_size_limit, header_size_limit and hopcount_limit, and writes the queue
 *     file into incoming. The file is created mode 0600, completed, set to 0700, fsynced together
 *     with its directory, and only then is the client told status=0 and qmgr(8) woken with "I".
 * SECURITY
 *     Security sensitive: it handles content from untrusted senders, but only what smtpd(8) and
 *     pickup(8) already checked. Runs as mail_owner. Every record is read with a size limit.
 * DIAGNOSTICS
 *     "ID: message-id=<...>" per message; warnings for aborted or rejected messages.
 * BUGS
 *     canonical_maps, virtual_alias_maps, header_checks and milters are not implemented yet.
 * CONFIGURATION PARAMETERS
 *     myhostname, myorigin ($myhostname), line_length_limit (2048), message_size_limit (10240000),
 *     header_size_limit (102400), hopcount_limit (50), message_drop_headers (bcc, content-length,
 *     resent-bcc, return-path), always_add_missing_headers (no), cleanup_replace_stray_cr_lf (yes),
 *     duplicate_filter_limit (1000), queue_directory, ipc_timeout (3600s)
 * SEE ALSO
 *     smtpd(8), pickup(8), trivial-rewrite(8), qmgr(8)
 */
public final class Cleanup implements ConnectionService {
    static final ServiceSpec SPEC = new ServiceSpec("cleanup", List.of(Params.MYHOSTNAME, Params.MYORIGIN,
            Params.LINE_LENGTH_LIMIT, Params.MESSAGE_SIZE_LIMIT, Params.HEADER_SIZE_LIMIT, Params.HOPCOUNT_LIMIT,
            Params.MESSAGE_DROP_HEADERS, Params.ALWAYS_ADD_MISSING_HEADERS, Params.CLEANUP_REPLACE_STRAY_CR_LF,
            Params.IPC_TIMEOUT), Set.of(Requirement.UNLIMITED));

    public static void main(String[] args) {
        ServiceMain.run(args, SPEC, Cleanup::new);
    }

    private final MailQueue queue;
    private final Path queueDirectory;
    private final CleanupTransaction.Settings settings;
    private final RewriteClientPool rewriters;
    private final Duration timeout;

    Cleanup(ServiceContext ctx) {
        MainCf cfg = ctx.config();
        this.queue = ctx.queue();
        this.queueDirectory = ctx.queueDirectory();
        Set<String> drop = new HashSet<>();
        for (String hname : cfg.get(Params.MESSAGE_DROP_HEADERS)) drop.add(hname.toLowerCase(Locale.ROOT));
        this.settings = new CleanupTransaction.Settings(cfg.get(Params.MYHOSTNAME), cfg.get(Params.MYORIGIN),
                cfg.get(Params.LINE_LENGTH_LIMIT), cfg.get(Params.MESSAGE_SIZE_LIMIT), cfg.get(Params.HEADER_SIZE_LIMIT),
                cfg.get(Params.HOPCOUNT_LIMIT), drop, cfg.get(Params.ALWAYS_ADD_MISSING_HEADERS),
                cfg.get(Params.CLEANUP_REPLACE_STRAY_CR_LF), Integer.parseInt(cfg.get("duplicate_filter_limit").isEmpty() ? "1000" : cfg.get("duplicate_filter_limit")));
        this.timeout = cfg.get(Params.IPC_TIMEOUT);
        this.rewriters = new RewriteClientPool(queueDirectory, Duration.ofSeconds(100));
    }

    @Override
    public void serve(Connection client) throws IOException {
        client.deadline(timeout);
        MailQueue.Entered e = queue.enter(QueueName.INCOMING);
        boolean keep = false;
        try (var ch = e.channel()) {
            client.ipc().attrWriter().attr(AttrNames.PROTOCOL, AttrNames.PROTO_CLEANUP)
                    .attr(AttrNames.QUEUE_ID, e.id().value()).end();
            Attrs hello = client.ipc().attrReader().read();
            int flags = hello.requireInt(AttrNames.FLAGS);
            QueueFileWriter writer = new QueueFileWriter(ch);
            CleanupTransaction tx = new CleanupTransaction(e.id(), settings, rewriters::rewrite, writer.records(),
                    (flags & CleanupClient.FLAG_ADD_HEADERS) != 0);
            CleanupStatus status = tx.run(new RecordReader(client.in()));
            if (status.ok()) {
                try {
                    writer.complete(tx.contentLength(), tx.dataOffset(), tx.recipients());
                    MailQueue.markReady(e.path());
                    ch.force(true);
                    MailQueue.syncDirectory(e.path().getParent());
                    keep = true;
                } catch (IOException io) {
                    Msg.warn(e.id() + ": queue file write error: " + io.getMessage());
                    status = new CleanupStatus(CleanupStatus.STAT_WRITE, "");
                }
            }
            if (keep) {
                Msg.info(e.id() + ": message-id=" + (tx.messageId().isEmpty() ? "<>" : tx.messageId()));
                wakeQmgr();
            } else {
                Msg.info(e.id() + ": " + describe(status));
            }
            client.ipc().attrWriter().attr(AttrNames.STATUS, status.status()).attr(AttrNames.REASON, status.reason()).end();
        } finally {
            if (!keep) Files.deleteIfExists(e.path());
        }
    }

    private static String describe(CleanupStatus s) {
        if ((s.status() & CleanupStatus.STAT_SIZE) != 0) return "discarded: message file too big";
        if ((s.status() & CleanupStatus.STAT_HOPS) != 0) return "discarded: too many hops";
        if ((s.status() & CleanupStatus.STAT_RCPT) != 0) return "discarded: no recipients";
        return "discarded: status " + s.status();
    }

    /** Sends the "I" trigger to public/qmgr; a qmgr that is down finds the file at its next scan. */
    private void wakeQmgr() {
        try (IpcChannel q = IpcChannel.connect(queueDirectory.resolve("public/qmgr"), Duration.ZERO)) {
            q.out().write('I');
            q.out().flush();
        } catch (IOException ex) {
            Msg.debug("cannot trigger qmgr: " + ex.getMessage());
        }
    }
}
