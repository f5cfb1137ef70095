package org.postroom.bounce;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.postroom.global.bounce.BounceTemplates;
import org.postroom.global.config.Params;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.bounce.BounceAppend;
import org.postroom.global.proto.bounce.BounceClient;
import org.postroom.global.queue.MailQueue;
import org.postroom.service.Connection;
import org.postroom.service.ConnectionService;
import org.postroom.service.ServiceContext;
import org.postroom.service.ServiceMain;
import org.postroom.service.ServiceSpec;
import org.postroom.util.Printable;

/**
 * NAME
 *     bounce - Postroom delivery status reports
 * SYNOPSIS
 *     bounce [generic Postfix daemon options]
 * DESCRIPTION
 *     One program behind three master.cf services, bounce, defer and trace, each with its own log
 *     directory (bounce/, defer/, trace/ under the queue directory, one file per message):
 *     append   a delivery agent or qmgr(8) adds one recipient's entry to the service's log; it is
 *              fsynced before the answer, and only then is the recipient marked done.
 *     flush    (bounce) the non-delivery report for the bounce log goes to the sender; (defer) the same
 *              for a message that expired, from its defer log, every entry reported as failed. The log
 *              is removed once the report is queued.
 *     warn     (defer) the delay warning from the defer log, which stays.
 *     trace    (trace) the report from the trace log, which is then removed: with the trace flags of
 *              sendmail -bv or -v in the request, the "Mail Delivery Status Report" (Action
 *              deliverable/undeliverable, or what happened), else the NOTIFY=SUCCESS report.
 *     Reports are RFC 3464 multipart/report messages with Postfix's templates (bounce(5),
 *     bounce_template_file), queued through cleanup(8) with the null sender, From:
 *     MAILER-DAEMON@$myorigin, and logged as "ID: sender non-delivery notification: NEWID" (or
 *     "sender delay notification", "sender delivery status notification", "postmaster non-delivery
 *     notification"). Recipients whose NOTIFY excludes the kind of report are left out of the sender's
 *     report. The null sender is never sent a report: its failures go, with "2bounce" in notify_classes,
 *     to 2bounce_notice_recipient as a double bounce (sender double-bounce@$myorigin), and otherwise
 *     nowhere; a double bounce that fails is discarded with "undeliverable postmaster notification
 *     discarded". With "bounce" or "delay" in notify_classes the postmaster gets a copy with the
 *     headers only.
 * SECURITY
 *     Runs as mail_owner, never as root. It reads queue files and its own logs; what it sends comes
 *     from strangers (reasons, addresses, the original message) and is sanitized and folded so that it
 *     cannot break the report's structure.
 * DIAGNOSTICS
 *     Problems are logged to maillog_file. A report that cannot be queued answers -1, and qmgr keeps
 *     the message queued to try again.
 * CONFIGURATION PARAMETERS
 *     bounce_size_limit (50000), bounce_template_file, notify_classes (resource, software),
 *     bounce_notice_recipient, 2bounce_notice_recipient, delay_notice_recipient (postmaster),
 *     maximal_queue_lifetime, bounce_queue_lifetime, delay_warning_time, myhostname, myorigin,
 *     mail_name, ipc_timeout
 * SEE ALSO
 *     qmgr(8), cleanup(8), bounce(5), postconf(1) -b and -t
 */
public final class Bounce implements ConnectionService {
    static final ServiceSpec SPEC = new ServiceSpec("bounce", List.of(Params.QUEUE_DIRECTORY, Params.MYHOSTNAME, Params.MYORIGIN,
            Params.MAIL_NAME, Params.IPC_TIMEOUT, Params.LINE_LENGTH_LIMIT, Params.MAXIMAL_QUEUE_LIFETIME,
            Params.BOUNCE_QUEUE_LIFETIME, Params.DELAY_WARNING_TIME, Params.HASH_QUEUE_NAMES, Params.HASH_QUEUE_DEPTH,
            Params.NOTIFY_CLASSES, Params.BOUNCE_NOTICE_RECIPIENT, Params.TWOBOUNCE_NOTICE_RECIPIENT, Params.DELAY_NOTICE_RECIPIENT,
            Params.BOUNCE_SIZE_LIMIT, Params.BOUNCE_TEMPLATE_FILE, Params.ENABLE_THREADED_BOUNCES, Params.SMTPUTF8_ENABLE), Set.of());

    public static void main(String[] args) {
        ServiceMain.run(args, SPEC, Bounce::new);
    }

    private final BounceClient.Service service;
    private final MailQueue queue;
    private final Notices notices;
    private final java.time.Duration timeout;

    Bounce(ServiceContext ctx) {
        BounceClient.Service svc;
        try {
            svc = BounceClient.Service.of(ctx.serviceName());
        } catch (IllegalArgumentException e) {
            // another master.cf name for this program: the bounce service's log, as Postfix's default
            Msg.warn("unexpected service name \"" + Printable.sanitize(ctx.serviceName()) + "\": serving the bounce log");
            svc = BounceClient.Service.BOUNCE;
        }
        this.service = svc;
        this.queue = ctx.queue();
        // the templates are read and expanded here: a broken bounce_template_file stops the service at start
        this.notices = new Notices(ctx.config(), queue, new NoticeWriter(NoticeSettings.of(ctx.config(), Msg::warn),
                BounceTemplates.load(ctx.config(), Msg::warn)));
        this.timeout = ctx.config().get(Params.IPC_TIMEOUT);
    }

    @Override
    public void serve(Connection client) throws IOException {
        org.postroom.service.StatusRequests.serve(client, BounceClient.PROTOCOL, timeout, this::handle);
    }

    /** One request; the status to answer. */
    int handle(Attrs request) {
        int n;
        try {
            n = Integer.parseInt(request.optional(BounceClient.NREQUEST).orElse(""));
        } catch (NumberFormatException e) {
            Msg.warn("unrecognized request, ignored");
            return BounceClient.STAT_FAIL;
        }
        return switch (n) {
            case BounceClient.CMD_APPEND -> BounceAppend.handle(queue, service, request);
            case BounceClient.CMD_FLUSH -> notices.flush(service, request);
            case BounceClient.CMD_WARN -> notices.warn(service, request);
            case BounceClient.CMD_TRACE -> notices.trace(service, request);
            default -> {
                Msg.warn("unrecognized request: " + n + ", ignored");
                yield BounceClient.STAT_FAIL;
            }
        };
    }
}
