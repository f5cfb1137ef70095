package org.postroom.smtpd;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.postroom.util.Printable;

/**
 * The network loop (smtpd_chat.c, smtp_stream.c): the only code that reads or writes the client. It reads
 * what the session's phase asks for (a command line, DATA content, BDAT octets), feeds it to the
 * {@link SmtpSession} and writes the replies. Replies are buffered and flushed only when no input is
 * waiting, so pipelined commands get their replies in one write. smtpd_timeout is a deadline re-armed
 * before every read; once the error count reaches smtpd_soft_error_limit, each reply waits
 * smtpd_error_sleep_time first.
 */
final class Chat {
    private static final int PEEK = 100;

    private final SmtpSession session;
    private final Wire wire;
    private final SmtpdConfig cfg;
    /** The client's streams: replaced once TLS starts. */
    private OutputStream out;
    private LineReader reader;
    private final Duration timeout;
    private final Duration errorSleep;
    private final int softErrorLimit;
    private long armedAt;
    /**
     * Whether each read re-arms smtpd_timeout (message content), or one deadline bounds the whole
     * command line, so that a client trickling a byte at a time cannot hold a session for ever.
     */
    private boolean perRead = true;

    Chat(SmtpSession session, Wire wire, SmtpdConfig cfg) {
        this.session = session;
        this.wire = wire;
        this.cfg = cfg;
        this.out = wire.out();
        this.timeout = cfg.timeout();
        this.errorSleep = cfg.errorSleep();
        this.softErrorLimit = cfg.softErrorLimit();
        this.reader = new LineReader(wire.in(), wire::available, cfg.lineLengthLimit(), this::beforeRead);
    }

    /** Runs the whole session; returns when it is over. Logs the disconnect line in every case. */
    void run() {
        try {
            Step greeting = session.greet();
            if (session.tlsCfg.wrappermode()) {
                // port 465: the handshake before the greeting (smtpd_tls_wrappermode)
                if (session.tlsCfg.context() == null) {
                    session.tlsFailed("TLS not available due to local problem");
                    return;
                }
                if (!handshake()) return;
            }
            if (reader.pending() > 0) greeting = session.earlyTalker(unread());
            greeting = session.admit(greeting);
            send(greeting, false);
            while (true) {
                switch (session.phase()) {
                    case Phase.Command c -> command();
                    case Phase.Data d -> data();
                    case Phase.Chunk c -> chunk(c.size());
                    case Phase.StartTls t -> {
                        out.flush();
                        if (!handshake()) return;
                    }
                    case Phase.Closed c -> {
                        out.flush();
                        return;
                    }
                }
            }
        } catch (IOException e) {
            if (session.phase() instanceof Phase.Closed) return;
            if (e instanceof InterruptedIOException || wire.expired() || timedOut()) {
                try {
                    send(session.timeout(), false);
                } catch (IOException gone) {
                    // the deadline closed the connection; the reply cannot be sent
                }
            } else {
                session.lostConnection();
            }
        } finally {
            session.disconnect();
        }
    }

    /**
     * The TLS handshake. Whatever the client sent after STARTTLS and before its hello, and we had
     * already read, is thrown away with the old reader (CVE-2011-0411); the session state is reset. On
     * failure the session is over.
     */
    private boolean handshake() throws IOException {
        TlsInfo info;
        try {
            info = wire.startTls(session.tlsCfg, session.tlsCfg.starttlsTimeout());
        } catch (IOException e) {
            if (wire.expired()) session.tlsTimedOut();
            else if (e instanceof java.io.EOFException) session.tlsFailed(null);
            else session.tlsFailed(e.getMessage() == null ? e.toString() : e.getMessage());
            return false;
        }
        out = wire.out();
        reader = new LineReader(wire.in(), wire::available, cfg.lineLengthLimit(), this::beforeRead);
        session.tlsStarted(info);
        return true;
    }

    private void beforeRead(boolean willBlock) throws IOException {
        if (perRead) arm();
        if (willBlock) out.flush();
    }

    private void arm() {
        armedAt = System.nanoTime();
        wire.deadline(timeout);
    }

    /** The input ended: a timeout when the deadline passed, else the client went away. */
    private void endOfInput() throws IOException {
        if (wire.expired()) throw new InterruptedIOException("smtpd_timeout");
        session.lostConnection();
    }

    private boolean timedOut() {
        return armedAt != 0 && System.nanoTime() - armedAt >= timeout.toNanos() - 1_000_000L;
    }

    private void command() throws IOException {
        boolean slow = session.errors() >= softErrorLimit;
        arm();
        perRead = false;
        // an AUTH response may be longer than a command (smtpd_chat_query_limit with smtpd_sasl_response_limit)
        int limit = session.awaitingSaslResponse() ? session.saslCfg.responseLimit() : cfg.lineLengthLimit();
        if (reader.limit() != limit) reader.limit(limit);
        Line line;
        String head = "";
        try {
            line = reader.next();
            if (line.end() == Line.End.MORE) {
                head = line.text();
                line = new Line(new byte[0], reader.skipRestOfLine() ? Line.End.MORE : Line.End.EOF);
            }
        } finally {
            perRead = true;
        }
        if (line.end() == Line.End.EOF) {
            endOfInput();
            return;
        }
        Step step;
        if (line.end() == Line.End.MORE) {
            step = session.commandTooLong(head, limit);
        } else if (line.end() == Line.End.LF && session.bareNewline() == BareNewline.REJECT) {
            step = session.bareLfCommand(line.text());
        } else {
            if (line.end() == Line.End.LF) session.noteBareLf();
            step = session.command(line.text(), reader.pending() > 0 ? unread() : "");
        }
        send(step, slow);
    }

    /** Up to 100 bytes of unread input, escaped for the log. */
    private String unread() throws IOException {
        byte[] b = reader.peek(PEEK);
        return Printable.escape(b, 0, b.length);
    }

    private void data() throws IOException {
        DataDecoder decoder = new DataDecoder(session.bareNewline());
        while (true) {
            Line line = reader.next();
            if (line.end() == Line.End.EOF) {
                endOfInput();
                return;
            }
            switch (decoder.decode(line)) {
                case DataDecoder.Item.Text(byte[] bytes, boolean complete) -> session.content(bytes, complete);
                case DataDecoder.Item.Dropped d -> { }
                case DataDecoder.Item.End e -> {
                    if (decoder.sawBareLf()) session.noteBareLf();
                    boolean slow = session.errors() >= softErrorLimit;
                    send(session.endData(decoder.sawBareLf() && session.bareNewline() == BareNewline.REJECT), slow);
                    return;
                }
            }
        }
    }

    private void chunk(long size) throws IOException {
        byte[] buf = new byte[8192];
        long left = size;
        while (left > 0) {
            int n = reader.readRaw(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                endOfInput();
                return;
            }
            session.chunk(buf, 0, n);
            left -= n;
        }
        boolean slow = session.errors() >= softErrorLimit;
        send(session.endChunk(), slow);
    }

    private void send(Step step, boolean slow) throws IOException {
        if (step.replies().isEmpty()) return;
        if (slow) pause();
        for (SmtpReply r : step.replies()) {
            for (String l : r.lines()) {
                out.write((l + "\r\n").getBytes(StandardCharsets.UTF_8));
                session.said(l);
            }
        }
        if (step.closes()) out.flush();
    }

    private void pause() {
        try {
            Thread.sleep(errorSleep);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
