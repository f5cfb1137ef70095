package org.postroom.tools.sendmail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The I/O loop of {@code sendmail -bs}: SMTP on standard input and output. Each message is dropped into
 * maildrop as with {@code -bm}, so it is queued even while the mail system is down, and pickup is woken.
 * This is the only code of the stand-alone session that reads or writes.
 */
final class StandaloneSmtp {
    private final SmtpSession session;
    private final Postdrop postdrop;
    private final int lineLimit;
    private final Runnable afterQueued;

    StandaloneSmtp(SmtpSession session, Postdrop postdrop, int lineLimit, Runnable afterQueued) {
        this.session = session;
        this.postdrop = postdrop;
        this.lineLimit = lineLimit;
        this.afterQueued = afterQueued;
    }

    /** Runs the session until QUIT, end of input or too many errors. */
    void run(InputStream in, OutputStream out) throws IOException {
        reply(out, session.greeting());
        while (true) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            Line kind = readLine(in, line);
            if (kind == Line.EOF) return;
            SmtpSession.Step step = kind == Line.OK ? session.command(line.toString(StandardCharsets.UTF_8)) : session.tooLong();
            reply(out, step.reply());
            switch (step.next()) {
                case CLOSE -> {
                    return;
                }
                case READ_COMMAND -> { }
                case READ_DATA -> {
                    String r;
                    try {
                        Postdrop.Outcome o = postdrop.drop(session.envelope(), in, MessageReader.Mode.SMTP, false);
                        r = switch (o) {
                            case Postdrop.Outcome.Queued q -> {
                                afterQueued.run();
                                yield session.queued(q.id());
                            }
                            case Postdrop.Outcome.TooBig t -> session.tooBig();
                            case Postdrop.Outcome.Lost l -> null;
                        };
                    } catch (IOException | Fatal e) {
                        r = session.writeError();
                    }
                    if (r == null) return;
                    reply(out, r);
                }
            }
        }
    }

    private enum Line { OK, TOO_LONG, EOF }

    /** Reads one command line without its CR LF; the part beyond line_length_limit is discarded. */
    private Line readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        int c;
        Line kind = Line.OK;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (line.size() < lineLimit) line.write(c);
            else kind = Line.TOO_LONG;
        }
        if (c < 0 && line.size() == 0) return Line.EOF;
        byte[] b = line.toByteArray();
        if (b.length > 0 && b[b.length - 1] == '\r') {
            line.reset();
            line.write(b, 0, b.length - 1);
        }
        return kind;
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
