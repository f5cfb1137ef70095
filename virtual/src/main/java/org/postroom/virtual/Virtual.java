package org.postroom.virtual;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.postroom.global.log.DeliveryLog;
import org.postroom.global.log.Msg;
import org.postroom.global.mailbox.Chown;
import org.postroom.global.mailbox.Maildir;
import org.postroom.global.mailbox.Mbox;
import org.postroom.global.mailbox.Message;
import org.postroom.global.mailbox.Verdict;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryReply;
import org.postroom.global.proto.deliver.DeliveryStatus;
import org.postroom.global.queue.MailQueue;
import org.postroom.service.Connection;
import org.postroom.service.FatalException;
import org.postroom.service.ConnectionService;
import org.postroom.service.Requirement;
import org.postroom.service.ServiceContext;
import org.postroom.service.ServiceMain;
import org.postroom.service.ServiceSpec;

/**
 * NAME
 *      virtual - Postroom virtual domain mail delivery agent
 *
 * SYNOPSIS
 *      virtual [generic Postfix daemon options]
 *
 * DESCRIPTION
 *      The virtual(8) delivery agent takes delivery requests from qmgr(8) for recipients in the virtual
 *      mailbox domains ($virtual_mailbox_domains, transport $virtual_transport) and delivers each one to
 *      its mailbox. It knows no aliases, no .forward files, no commands and no files: aliasing happens in
 *      cleanup(8) through virtual_alias_maps.
 *
 *      The mailbox is looked up in virtual_mailbox_maps with the full, lower-cased recipient address:
 *      user+ext@domain, then user@domain, then @domain (catch-all); regexp and pcre tables see the full
 *      address only. The value is a path below virtual_mailbox_base; a value ending in "/" is a Maildir
 *      (tmp/, new/ and cur/ are created as needed), anything else an mbox file (From_ line, ">From "
 *      quoting, a blank line at the end, under virtual_mailbox_lock). The mailbox owner comes from
 *      virtual_uid_maps and virtual_gid_maps (for example static:5000); a uid below virtual_minimum_uid
 *      is refused. Each delivery prepends Return-Path:, X-Original-To: and Delivered-To:.
 *
 *      An address without a mailbox is bounced with "unknown user" (smtpd(8) normally refuses it at
 *      RCPT already). A table that cannot be read, a missing or bad uid or gid, and file system trouble
 *      defer the recipient: mail is never lost. A message whose headers already contain a Delivered-To:
 *      with the recipient is bounced as a forwarding loop. Finished recipients are marked done in the
 *      queue file, then qmgr gets one status per recipient. An address probe (sendmail -bv) looks the
 *      mailbox and its owner up and reports "delivers to mailbox" or "delivers to maildir" to the
 *      trace log, without delivering; with sendmail -v each result goes to the trace log as well.
 *
 * SECURITY
 *      virtual(8) runs as root: it must create mailboxes for arbitrary uids. Files are created as root
 *      and given to the mailbox owner (0600, directories 0700); existing mbox files must be plain files
 *      with one link. It never runs commands.
 *
 * DIAGNOSTICS
 *      One line per recipient: to=, orig_to=, relay=virtual, delay=, delays=, dsn=, status= and the
 *      reason ("delivered to maildir", "delivered to mailbox", "unknown user: \"user@domain\"",
 *      "mail system configuration error"). "warning: recipient ADDR: not found in virtual_uid_maps",
 *      "warning: recipient ADDR: bad uid N in virtual_uid_maps", "warning: table virtual_mailbox_maps:
 *      lookup ADDR: ...".
 *
 * BUGS
 *      Mailboxes are written as root and then given to their owner (the JVM cannot change its uid per
 *      thread), so file system quotas do not apply. proxy: table prefixes are dropped (no proxymap(8));
 *      a table whose file changes is reopened at the next lookup.
 *
 * CONFIGURATION PARAMETERS
 *      virtual_mailbox_base (empty; must be an absolute path), virtual_mailbox_maps (empty),
 *      virtual_uid_maps (empty), virtual_gid_maps (empty), virtual_minimum_uid (100),
 *      virtual_mailbox_limit (51200000, must not be below message_size_limit), virtual_mailbox_lock
 *      (fcntl, dotlock), recipient_delimiter (empty), deliver_lock_attempts (20), deliver_lock_delay (1s),
 *      stale_lock_time (500s), message_size_limit (10240000), line_length_limit (2048), queue_directory.
 *
 * SEE ALSO
 *      qmgr(8), local(8), cleanup(8), trivial-rewrite(8), smtpd(8), virtual(5)
 */
public final class Virtual implements ConnectionService {
    static final ServiceSpec SPEC = new ServiceSpec("virtual", VirtualConfig.PARAMS, Set.of(Requirement.PRIVILEGED));

    private final VirtualConfig cfg;
    /** A configuration error, reported when the service is first used (Postfix spawns virtual on demand). */
    private final String configError;
    private final MailQueue queue;
    private final Clock clock;
    private final VirtualDelivery delivery;

    public static void main(String[] args) {
        ServiceMain.run(args, SPEC, Virtual::new);
    }

    public Virtual(ServiceContext ctx) {
        this(ctx, Clock.systemDefaultZone(), Chown.detect(), Maildir.systemHostname());
    }

    Virtual(ServiceContext ctx, Clock clock, Chown chown, String hostname) {
        VirtualConfig c;
        String error = null;
        try {
            c = VirtualConfig.from(ctx.config());
        } catch (FatalException e) {
            // master starts every service at once, Postfix only when mail is routed to it: an instance
            // without virtual domains must not see virtual(8) die over virtual_mailbox_base
            c = null;
            error = e.getMessage();
        }
        this.cfg = c;
        this.configError = error;
        this.queue = ctx.queue();
        this.clock = clock;
        this.delivery = c == null ? null : new VirtualDelivery(c, new Mbox(c.lock(), c.mailboxLimit(), chown),
                new Maildir(c.mailboxLimit(), chown, hostname));
    }

    /** The delivery protocol: greeting, then one request and one reply at a time until the client hangs up. */
    @Override
    public void serve(Connection client) throws IOException {
        checkUsable();
        DeliverRequest.serve(client.in(), client.out(), r -> DeliveryReply.of(deliver(r)));
    }

    /** A configuration error found at start-up is fatal when the service is used (msg_fatal, then master respawns). */
    void checkUsable() {
        if (configError != null) throw new FatalException(configError);
    }

    /** Delivers every recipient of one request, marks the finished ones done and logs each result. */
    List<DeliveryStatus> deliver(DeliverRequest req) {
        long handoff = clock.millis();
        Path file = queue.path(req.queue(), req.queueId());
        Message msg = new Message(file, req.dataOffset(), cfg.maxRecord(), req.sender(), true);
        List<DeliveryStatus> out = new ArrayList<>();
        for (DeliverRequest.Recipient rcpt : req.recipients()) {
            Verdict v = delivery.deliver(msg, rcpt.address(), rcpt.originalRecipient(), ZonedDateTime.now(clock), req.traceOnly())
                    .completed(queue.root(), file, req, rcpt, "virtual");
            Msg.info(DeliveryLog.line(req.queueId().value(), rcpt.address(), rcpt.originalRecipient(), "virtual",
                    req.arrivalTime(), req.activeTime(), handoff, handoff, clock.millis(), v.dsn(), v.statusWord(), v.text()));
            out.add(v.status(rcpt.offset()));
        }
        return out;
    }
}
