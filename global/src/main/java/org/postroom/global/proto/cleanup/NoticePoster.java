package org.postroom.global.proto.cleanup;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.log.Msg;
import org.postroom.util.Printable;

/**
 * Posts postmaster notices the way smtpd_chat_notify() and smtp_chat_notify() do: from the double-bounce
 * address (double_bounce_sender@$myhostname), so that a notice that cannot be delivered is not reported
 * again; through {@link PostMail#openNowait}, since this is junk mail and not worth waiting for. A
 * notice that cannot be posted is logged ("postmaster notify: ...") and dropped: the caller's work
 * goes on.
 */
public final class NoticePoster {
    private final Path queueDirectory;
    private final String sender;
    private final String myhostname;
    private final String mailName;
    private final Duration timeout;

    public NoticePoster(Path queueDirectory, String sender, String myhostname, String mailName, Duration timeout) {
        this.queueDirectory = queueDirectory;
        this.sender = sender;
        this.myhostname = myhostname;
        this.mailName = mailName;
        this.timeout = timeout;
    }

    public static NoticePoster from(MainCf cfg, Path queueDirectory) {
        String host = cfg.get(Params.MYHOSTNAME);
        return new NoticePoster(queueDirectory, cfg.get(Params.DOUBLE_BOUNCE_SENDER) + "@" + host, host, cfg.get(Params.MAIL_NAME),
                cfg.get(Params.IPC_TIMEOUT));
    }

    /**
     * Sends {@code lines} (the headers after Received: and Date:, a blank line, the body) to
     * {@code recipient}. Returns cleanup's status, or null when cleanup could not be reached or the
     * conversation failed (logged as Postfix does: the connect warning, then "postmaster notify: ...").
     */
    public CleanupStatus post(String recipient, List<String> lines) {
        PostMail m;
        try {
            m = PostMail.openNowait(queueDirectory, sender, recipient, myhostname, mailName, ZonedDateTime.now(), timeout);
        } catch (IOException e) {
            String why = reason(e);
            Msg.warn("connect to public/cleanup: " + why);
            Msg.warn("postmaster notify: " + why);
            return null;
        } catch (IllegalArgumentException e) {
            // cleanup's greeting named no valid queue ID: a broken peer, not a reason to fail the caller
            Msg.warn("postmaster notify: " + Printable.sanitize(String.valueOf(e.getMessage())));
            return null;
        }
        try (m) {
            for (String l : lines) m.line(l);
            return m.finish();
        } catch (IOException e) {
            Msg.warn("postmaster notify: " + reason(e));
            return null;
        }
    }

    private static String reason(IOException e) {
        Throwable t = e.getCause() instanceof IOException c ? c : e;
        return Printable.sanitize(String.valueOf(t.getMessage()));
    }
}
