package org.postroom.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.postroom.global.log.DeliveryLog;
import org.postroom.global.log.Msg;
import org.postroom.global.mailbox.Chown;
import org.postroom.global.mailbox.Completion;
import org.postroom.global.mailbox.Maildir;
import org.postroom.global.mailbox.Mbox;
import org.postroom.global.mailbox.Message;
import org.postroom.global.mailbox.Verdict;
import org.postroom.global.proto.cleanup.CleanupClient;
import org.postroom.global.proto.cleanup.CleanupStatus;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryReply;
import org.postroom.global.proto.deliver.DeliveryStatus;
import org.postroom.global.proto.rewrite.RewriteClient;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.record.RecordWriter;
import org.postroom.service.Connection;
import org.postroom.service.ConnectionService;
import org.postroom.service.FatalException;
import org.postroom.service.Requirement;
import org.postroom.service.ServiceContext;
import org.postroom.service.ServiceMain;
import org.postroom.service.ServiceSpec;

/**
 * NAME
 *      local - Postroom local mail delivery
 *
 * SYNOPSIS
 *      local [generic Postfix daemon options]
 *
 * DESCRIPTION
 *      The local(8) daemon takes delivery requests from qmgr(8) for recipients in the local domains
 *      (mydestination), one recipient per request by default. For each recipient it lower-cases the local
 *      part, splits off an address extension at recipient_delimiter, and then tries, in order:
 *
 *      alias_maps, first with the extension (user+ext), then without. Alias values are addresses,
 *      /file/name (mbox), /dir/name/ (Maildir), |command, :include:/file and &#92;user. An alias that lists
 *      itself delivers to the user's mailbox. When an owner-NAME alias exists, owner-NAME@$myorigin becomes
 *      the envelope sender below alias NAME. alias_maps are opened through the table library (hash: reads
 *      the database postalias(1) built; texthash: reads aliases(5) text; pgsql:, regexp: and the others as
 *      usual); a table that cannot be read defers the recipient.
 *
 *      Addresses in alias, :include: and .forward values are rewritten to canonical form and resolved by
 *      trivial-rewrite(8). Those that resolve to this delivery agent are delivered recursively, except
 *      that local addresses below an owner (an owner- alias, a .forward file) or from an :include: file
 *      are resubmitted; all others are forwarded: per Delivered-To: address and sender, one new message
 *      goes to cleanup(8) with "Received: by $myhostname ($mail_name)" and "Delivered-To:" prepended,
 *      and the recipient is reported "forwarded as NEWID".
 *
 *      for users in the password file: the first file of forward_path that exists (.forward+ext, then
 *      .forward by default) if it is owned by the user and lists something, read with the user's rights
 *      (commands and files in it run as the user); else mailbox_command, else home_mailbox (relative to
 *      the home directory), else mail_spool_directory/user. A name ending in "/" means Maildir.
 *
 *      postmaster and mailer-daemon without an alias or account are discarded with a warning; any other
 *      name is bounced as unknown user.
 *
 *      mbox deliveries get a From_ line, Return-Path:, X-Original-To: and Delivered-To:, ">From "
 *      quoting and a trailing blank line, under an fcntl lock plus a .lock file; the file is truncated
 *      back on error and fsynced on success. Maildir deliveries go through tmp/ and are linked into new/.
 *      Commands get the message with From_ line on standard input and a reset environment, and their exit
 *      status is mapped through sysexits(3). A message whose headers already contain a Delivered-To:
 *      header with the recipient's address is bounced as a mail forwarding loop.
 *
 *      Each recipient that is delivered or bounced is marked done in the queue file; the agent then
 *      replies to qmgr with one status per recipient. Temporary trouble defers and keeps the mail.
 *
 *      Requests with trace flags (sendmail -v, -bv) also record each destination's result in the trace
 *      log, for the sender's "Mail Delivery Status Report". An address probe (sendmail -bv) delivers
 *      nothing: aliases, :include: and .forward files are expanded as usual, and each destination is
 *      reported as it would be delivered ("delivers to mailbox", "delivers to maildir", "delivers to
 *      file: PATH", "delivers to command: CMD", "forwards to ADDR") or not, and logged with
 *      status=deliverable or status=undeliverable.
 *
 * SECURITY
 *      local(8) is security sensitive: it runs as root and delivers as other users. Mailboxes are written
 *      as root and given to the recipient; files and commands from aliases use the rights of the alias
 *      table owner, or default_privs when root owns it, and never root. The JVM cannot change its uid per
 *      thread, so local checks the delivery user's write permission on files itself and runs commands
 *      through setpriv(1). Existing mailboxes must be plain files with one link.
 *
 * DIAGNOSTICS
 *      One line per delivery: to=, orig_to=, relay=local, delay=, delays=, dsn=, status= and the reason.
 *      "warning: required alias not found: postmaster", "warning: alias database loop for NAME".
 *
 * BUGS
 *      mailbox_transport, fallback_transport, luser_relay, expand_owner_alias and reset_owner_alias are
 *      not supported. A .forward
 *      file is read by the agent (as root) after checking its owner and mode, not opened as the user.
 *      Forwarded messages carry rewrite_context "remote" for mail that came with a client address.
 *      A table whose file changes is reopened at the next lookup rather than restarting the daemon.
 *      A command that exits with status 129-159 is reported as killed by a signal, as Java cannot tell the
 *      two apart. mailbox_command expands only plain $name, ${name} and $(name), not ${name?text}.
 *      biff(1) notification is not supported. flock in mailbox_delivery_lock is treated as fcntl.
 *
 * CONFIGURATION PARAMETERS
 *      alias_maps (hash:/etc/aliases), forward_path ($home/.forward${recipient_delimiter}${extension},
 *      $home/.forward), mail_name (Postfix), allow_mail_to_commands (alias, forward),
 *      allow_mail_to_files (alias, forward), command_execution_directory (empty: queue_directory),
 *      command_expansion_filter (letters, digits and !@%-_=+:,./), command_time_limit (1000s),
 *      default_privs (nobody), deliver_lock_attempts (20), deliver_lock_delay (1s),
 *      export_environment (TZ MAIL_CONFIG LANG), home_mailbox (empty), line_length_limit (2048),
 *      mail_spool_directory (/var/mail), mailbox_command (empty), mailbox_delivery_lock (fcntl, dotlock),
 *      mailbox_size_limit (51200000, must not be below message_size_limit), message_size_limit (10240000),
 *      mydestination ($myhostname, localhost.$mydomain, localhost), myorigin ($myhostname),
 *      prepend_delivered_header (command, file, forward), propagate_unmatched_extensions (canonical, virtual),
 *      recipient_delimiter (empty), stale_lock_time (500s).
 *
 * SEE ALSO
 *      qmgr(8), cleanup(8), trivial-rewrite(8), aliases(5), postalias(1), virtual(8), sysexits(3)
 */
public final class Local implements ConnectionService {
    static final ServiceSpec SPEC = new ServiceSpec("local", LocalConfig.PARAMS, Set.of(Requirement.PRIVILEGED));

    private final LocalConfig cfg;
    private final MailQueue queue;
    private final Clock clock;
    private final Privileges privileges;
    private final DeliverySwitch deliveries;
    private final Forwarder.Submitter submitter;

    public static void main(String[] args) {
        ServiceMain.run(args, SPEC, Local::new);
    }

    public Local(ServiceContext ctx) {
        this(ctx, Users.SYSTEM, Clock.systemDefaultZone(), Privileges.detect(), Maildir.systemHostname(),
                AddressResolver.of(new RewriteClient(ctx.queueDirectory(), Duration.ofSeconds(100))),
                cleanup(ctx.queueDirectory()));
    }

    Local(ServiceContext ctx, Users users, Clock clock, Privileges privileges, String hostname, AddressResolver resolver,
          Forwarder.Submitter submitter) {
        this.cfg = LocalConfig.from(ctx.config(), ctx.serviceName());
        this.submitter = submitter;
        this.queue = ctx.queue();
        this.clock = clock;
        this.privileges = privileges;
        Rights defaults = users.byName(cfg.defaultPrivs()).map(Rights::defaults).orElseThrow(
                () -> new FatalException("parameter default_privs: unknown user name value: " + cfg.defaultPrivs()));
        if (defaults.isRoot()) throw new FatalException("parameter default_privs: privileged user: " + cfg.defaultPrivs());
        Path cwd = cfg.commandDirectory().isEmpty() ? cfg.queueDirectory() : Path.of(cfg.commandDirectory());
        Chown chown = new Chown(privileges.root());
        Destinations dest = new Destinations(cfg, defaults, new Mbox(cfg.lock(), cfg.mailboxSizeLimit(), chown, "5.2.0"),
                new Maildir(cfg.mailboxSizeLimit(), chown, hostname, "5.2.0"),
                new Pipe(privileges, cfg.commandTimeLimit(), cwd, cfg.exportEnvironment()));
        this.deliveries = new DeliverySwitch(cfg, users, new AliasMaps(cfg.aliasMaps()), resolver, dest);
    }

    /** Resubmission through public/cleanup (forward.c forward_open). */
    private static Forwarder.Submitter cleanup(Path queueDirectory) {
        return () -> {
            CleanupClient c = CleanupClient.open(queueDirectory, 0, Duration.ofSeconds(100));
            return new Forwarder.Submission() {
                @Override
                public String queueId() {
                    return c.queueId().value();
                }

                @Override
                public RecordWriter records() {
                    return c.records();
                }

                @Override
                public CleanupStatus finish() throws IOException {
                    return c.finish();
                }

                @Override
                public void close() throws IOException {
                    c.close();
                }
            };
        };
    }

    @Override
    public void serve(Connection client) throws IOException {
        converse(client.in(), client.out());
    }

    /** The delivery protocol: greeting, then one request and one reply at a time until the client hangs up. */
    void converse(InputStream in, OutputStream out) throws IOException {
        DeliverRequest.serve(in, out, r -> DeliveryReply.of(deliver(r)));
    }

    /**
     * Delivers every recipient of one request, marks the finished ones done and logs each result. With trace
     * flags (sendmail -bv, -v) every destination's result is recorded for the sender's report; a probe's
     * results are logged once they are (as "deliverable" or "undeliverable"), and nothing is delivered.
     */
    List<DeliveryStatus> deliver(DeliverRequest req) {
        long handoff = clock.millis();
        Path file = queue.path(req.queue(), req.queueId());
        Message msg = new Message(file, req.dataOffset(), cfg.maxRecord(), req.sender(), false);
        Completion completion = new Completion(queue.root(), file, req);
        Set<String> done = new HashSet<>();
        List<DeliveryStatus> out = new ArrayList<>();
        for (DeliverRequest.Recipient rcpt : req.recipients()) {
            String orig = rcpt.originalRecipient();
            Completion.Log log = (to, v) -> Msg.info(DeliveryLog.line(req.queueId().value(), to, orig, "local",
                    req.arrivalTime(), req.activeTime(), handoff, handoff, clock.millis(), v.dsn(), v.statusWord(), v.text()));
            List<Completion.Leaf> leaves = new ArrayList<>();
            Attempt.Log collect = (to, v) -> {
                if (req.traceFlags() != 0) leaves.add(new Completion.Leaf(to, v));
                if (!req.traceOnly()) log.result(to, v); // a probe's lines come with its trace entries
            };
            Attempt attempt = new Attempt(msg, orig, req.clientName(), req.clientAddress(), ZonedDateTime.now(clock),
                    privileges, done, collect, req.traceOnly());
            deliveries.deliver(attempt, rcpt.address());
            attempt.finishForwarding(submitter, new Forwarder.Origin(req.clientName(), req.clientAddress(), cfg.myhostname(),
                    cfg.mailName(), cfg.prependDelivered().contains("forward")), rcpt.address());
            Verdict v = completion.complete(rcpt, leaves, attempt.result(), "local", log);
            // the result could not be recorded (bounce service, queue file): what becomes of it is logged too
            // (a probe's results are logged by the completion, each with its trace entry)
            if (!req.traceOnly() && v.outcome() != attempt.result().outcome()) log.result(rcpt.address(), v);
            out.add(v.status(rcpt.offset()));
        }
        return out;
    }
}
