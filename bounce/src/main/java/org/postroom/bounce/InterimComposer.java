package org.postroom.bounce;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.postroom.global.mail.MailDate;
import org.postroom.global.proto.bounce.BounceLog;
import org.postroom.global.queue.QueueId;

/**
 * A stand-in for the template-driven notice writer while it is being built: the RFC 3464 structure
 * (multipart/report, the notification, message/delivery-status), without the returned message.
 */
final class InterimComposer implements Notices.Composer {
    private final String myhostname;
    private final String myorigin;

    InterimComposer(String myhostname, String myorigin) {
        this.myhostname = myhostname;
        this.myorigin = myorigin;
    }

    @Override
    public List<String> compose(Notices.Kind kind, boolean postmasterCopy, Path queueFile, List<BounceLog.Entry> entries, String to,
                                QueueId newId, ZonedDateTime now) throws IOException {
        String boundary = newId + "." + now.toEpochSecond() + "/" + myhostname;
        List<String> l = new ArrayList<>();
        l.add("Date: " + MailDate.format(now));
        l.add("From: Mail Delivery System <MAILER-DAEMON@" + myorigin + ">");
        l.add("Subject: " + switch (kind) {
            case FAILURE -> "Undelivered Mail Returned to Sender";
            case DELAY -> "Delayed Mail (still being retried)";
            case SUCCESS -> "Successful Mail Delivery Report";
            case VERIFY -> "Mail Delivery Status Report";
        });
        l.add("To: " + to);
        l.add("Auto-Submitted: auto-replied");
        l.add("MIME-Version: 1.0");
        l.add("Content-Type: multipart/report; report-type=delivery-status;");
        l.add("\tboundary=\"" + boundary + "\"");
        l.add("");
        l.add("--" + boundary);
        l.add("Content-Description: Notification");
        l.add("Content-Type: text/plain; charset=us-ascii");
        l.add("");
        l.add("This is the mail system at host " + myhostname + ".");
        l.add("");
        for (BounceLog.Entry e : entries) l.add("<" + e.recipient() + ">: " + e.reason());
        l.add("");
        l.add("--" + boundary);
        l.add("Content-Description: Delivery report");
        l.add("Content-Type: message/delivery-status");
        l.add("");
        l.add("Reporting-MTA: dns; " + myhostname);
        for (BounceLog.Entry e : entries) {
            l.add("");
            l.add("Final-Recipient: rfc822; " + e.recipient());
            l.add("Action: " + e.action());
            l.add("Status: " + e.status());
        }
        l.add("");
        l.add("--" + boundary + "--");
        return l;
    }
}
