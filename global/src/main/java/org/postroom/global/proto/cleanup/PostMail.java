package org.postroom.global.proto.cleanup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import org.postroom.global.mail.MailDate;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;

/**
 * Mail that a daemon writes for itself, such as a postmaster notice (post_mail.c): a minimal envelope
 * (T, log_message_origin=local, trace_flags=0, S, R), then our Received: and Date: headers, the lines the
 * caller gives, and X and E. cleanup(8) adds the rest (Message-Id, header address rewriting).
 */
public final class PostMail implements AutoCloseable {
    /** Content lines longer than this go to cleanup as continued records. */
    private static final int PIECE = 2048;

    private final CleanupClient cleanup;
    private final RecordWriter w;

    private PostMail(CleanupClient cleanup) {
        this.cleanup = cleanup;
        this.w = cleanup.records();
    }

    /**
     * post_mail_fopen_nowait(): one attempt to reach public/cleanup, without the wait of a normal
     * connect, for mail that is not worth waiting for; then the envelope and our two headers.
     *
     * @throws IOException when cleanup cannot be reached or the envelope cannot be written
     */
    public static PostMail openNowait(Path queueDirectory, String sender, String recipient, String myhostname, String mailName,
                                      ZonedDateTime now, Duration timeout) throws IOException {
        CleanupClient c = CleanupClient.open(queueDirectory, 0, timeout, Duration.ZERO);
        try {
            PostMail m = new PostMail(c);
            RecordWriter w = m.w;
            w.put(RecordType.TIME, now.toEpochSecond() + " " + now.getNano() / 1000);
            w.attr("log_message_origin", "local");
            w.attr("trace_flags", "0");
            w.put(RecordType.FROM, sender);
            w.put(RecordType.RCPT, recipient);
            w.put(RecordType.MESG, "");
            String date = MailDate.format(now);
            m.line("Received: by " + myhostname + " (" + mailName + ")");
            m.line("\tid " + c.queueId() + "; " + date);
            m.line("Date: " + date);
            return m;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public String queueId() {
        return cleanup.queueId().value();
    }

    /** One line of the message, without its newline. */
    public void line(String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        w.putLine(b, 0, b.length, PIECE);
    }

    /** post_mail_fclose(): X and E, then cleanup's verdict. */
    public CleanupStatus finish() throws IOException {
        w.put(RecordType.XTRA, "");
        w.put(RecordType.END, "");
        return cleanup.finish();
    }

    @Override
    public void close() throws IOException {
        cleanup.close();
    }
}
