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
import org.postroom.global.ipc.Trigger;
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
 *     applies sender_canonical_maps, recipient_canonical_maps and canonical_maps to the address
 *     classes in *_canonical_classes, expands envelope recipients recursively through
 *     virtual_alias_maps (an address that maps to itself is kept; virtual_alias_recursion_limit and
 *     virtual_alias_expansion_limit stop runaway expansions), removes duplicate recipients, rewrites
 *     the addresses in From:, To:, Cc: and the other address headers when the rewrite context is local
 *     (local_header_rewrite_clients), drops the headers in message_drop_headers, adds missing
 *     Message-Id, Date and From headers for local mail, replaces stray CR and LF in content with
 *     spaces, enforces message_size_limit, header_size_limit and hopcount_limit, and writes the queue
 *     file into incoming. The file is created mode 0600, completed, set to 0700, fsynced together
 *     with its directory, and only then is the client told status=0 and qmgr(8) woken with "I".
 * SECURITY
 *     Security sensitive: it handles content from untrusted senders, but only what smtpd(8) and
 *     pickup(8) already checked. Runs as mail_owner. Every record is read with a size limit.
 * DIAGNOSTICS
 *     "ID: message-id=<...>" per message; warnings for aborted or rejected messages. A table that
 *     cannot be read logs "ID: virtual_alias_maps map lookup problem for ADDR -- message not
 *     accepted, try again later" and the message is refused with a temporary error (smtpd(8) replies
 *     451 4.3.0, pickup(8) retries later); a runaway expansion logs "unreasonable virtual_alias_maps
 *     map nesting" or "map expansion size" and is refused with 4.6.0 Alias expansion error.
 * BUGS
 *     header_checks, body_checks, masquerade_domains, remote_header_rewrite_domain and milters are not
 *     implemented yet. Rewritten header addresses are replaced in place (Postfix regenerates the whole
 *     header); addresses with quoted local parts or source routes in headers are left alone. proxy:
 *     table prefixes are dropped (no proxymap(8)).
 * CONFIGURATION PARAMETERS
 *     myhostname, myorigin ($myhostname), line_length_limit (2048), message_size_limit (10240000),
 *     header_size_limit (102400: a longer header is truncated and
 *     stays a header), header_address_token_limit (10240), hopcount_limit (50), message_drop_headers (bcc, content-length,
 *     resent-bcc, return-path), always_add_missing_headers (no), cleanup_replace_stray_cr_lf (yes),
 *     duplicate_filter_limit (1000), queue_directory, ipc_timeout (3600s), recipient_delimiter (empty),
 *     canonical_maps, sender_canonical_maps, recipient_canonical_maps (empty), canonical_classes
 *     (envelope_sender, envelope_recipient, header_sender, header_recipient), sender_canonical_classes
 *     (envelope_sender, header_sender), recipient_canonical_classes (envelope_recipient,
 *     header_recipient), virtual_alias_maps ($virtual_maps), virtual_alias_recursion_limit (1000),
 *     virtual_alias_expansion_limit (1000), virtual_alias_address_length_limit (1000),
 *     propagate_unmatched_extensions (canonical, virtual)
 * SEE ALSO
 *     smtpd(8), pickup(8), trivial-rewrite(8), qmgr(8), canonical(5), virtual(5)
 */
public final class Cleanup implements ConnectionService {
    static final ServiceSpec SPEC = new ServiceSpec("cleanup", List.of(Params.MYHOSTNAME, Params.MYORIGIN,
            Params.LINE_LENGTH_LIMIT, Params.MESSAGE_SIZE_LIMIT, Params.HEADER_SIZE_LIMIT, Params.HOPCOUNT_LIMIT,
            Params.MESSAGE_DROP_HEADERS, Params.ALWAYS_ADD_MISSING_HEADERS, Params.CLEANUP_REPLACE_STRAY_CR_LF, Params.DELAY_WARNING_TIME,
            Params.IPC_TIMEOUT, Params.TRIGGER_TIMEOUT, Params.RECIPIENT_DELIMITER, Params.VIRTUAL_ALIAS_MAPS, CleanupParams.CANONICAL_MAPS,
            CleanupParams.SENDER_CANONICAL_MAPS, CleanupParams.RECIPIENT_CANONICAL_MAPS, CleanupParams.CANONICAL_CLASSES,
            CleanupParams.SENDER_CANONICAL_CLASSES, CleanupParams.RECIPIENT_CANONICAL_CLASSES,
            CleanupParams.VIRTUAL_ALIAS_RECURSION_LIMIT, CleanupParams.VIRTUAL_ALIAS_EXPANSION_LIMIT,
            CleanupParams.VIRTUAL_ALIAS_ADDRESS_LENGTH_LIMIT, CleanupParams.PROPAGATE_UNMATCHED_EXTENSIONS,
            CleanupParams.DUPLICATE_FILTER_LIMIT, Params.HEADER_ADDRESS_TOKEN_LIMIT), Set.of(Requirement.UNLIMITED));

    public static void main(String[] args) {
        ServiceMain.run(args, SPEC, Cleanup::new);
    }

    private final MailQueue queue;
    private final Path queueDirectory;
    private final CleanupTransaction.Settings settings;
    private final RewriteClientPool rewriters;
    private final Duration timeout;
    private final Duration triggerTimeout;
    private final int duplicateLimit;
    private final int tokenLimit;
    private final AddressMapping mapping;

    Cleanup(ServiceContext ctx) {
        MainCf cfg = ctx.config();
        this.queue = ctx.queue();
        this.queueDirectory = ctx.queueDirectory();
        Set<String> drop = new HashSet<>();
        for (String hname : cfg.get(Params.MESSAGE_DROP_HEADERS)) drop.add(hname.toLowerCase(Locale.ROOT));
        this.settings = new CleanupTransaction.Settings(cfg.get(Params.MYHOSTNAME), cfg.get(Params.MYORIGIN),
                cfg.get(Params.LINE_LENGTH_LIMIT), cfg.get(Params.MESSAGE_SIZE_LIMIT), cfg.get(Params.HEADER_SIZE_LIMIT),
                cfg.get(Params.HOPCOUNT_LIMIT), drop, cfg.get(Params.ALWAYS_ADD_MISSING_HEADERS),
                cfg.get(Params.CLEANUP_REPLACE_STRAY_CR_LF), cfg.get(Params.DELAY_WARNING_TIME));
        this.timeout = cfg.get(Params.IPC_TIMEOUT);
        this.triggerTimeout = cfg.get(Params.TRIGGER_TIMEOUT);
        this.rewriters = new RewriteClientPool(queueDirectory, Duration.ofSeconds(100));
        this.duplicateLimit = cfg.get(CleanupParams.DUPLICATE_FILTER_LIMIT);
        this.tokenLimit = cfg.get(Params.HEADER_ADDRESS_TOKEN_LIMIT);
        this.mapping = new AddressMapping(new AddressMaps(AddressMapping.limits(cfg), a -> rewriters.rewrite("local", a),
                rewriters::isLocal, cfg.get(Params.MYORIGIN)), cfg);
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
            MessageAddresses addresses = new MessageAddresses(e.id(), rewriters::rewrite, mapping, settings.myorigin(),
                    duplicateLimit, tokenLimit);
            CleanupTransaction tx = new CleanupTransaction(e.id(), settings, addresses, writer.records(),
                    (flags & CleanupClient.FLAG_ADD_HEADERS) != 0);
            CleanupStatus status = tx.run(new RecordReader(client.in()));
            if (status.ok()) {
                try {
                    writer.complete(tx.contentLength(), tx.dataOffset(), tx.recipients(), tx.sendopts());
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
        if (!s.reason().isEmpty()) return "discarded: " + s.reason();
        return "discarded: status " + s.status();
    }

    /** Sends the "I" trigger to public/qmgr; a qmgr that is down finds the file at its next scan. */
    private void wakeQmgr() {
        if (!Trigger.send(queueDirectory.resolve("public/qmgr"), "I", triggerTimeout)) Msg.debug("cannot trigger qmgr");
    }
}
