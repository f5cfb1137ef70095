package org.postroom.global.log;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Routes java.util.logging (what the PostgreSQL driver and the JDK itself log) into Postroom's own log,
 * as {@link MaillogProvider} does for slf4j: a driver's warning becomes "postfix/proxymap[pid]:
 * warning: PgConnection: ..." in maillog, never a line on stderr. SEVERE is an error, WARNING a
 * warning; everything below is logged only with -v. Installed by {@link Msg#init}.
 */
public final class JulHandler extends Handler {
    private static volatile boolean installed;
    private final SimpleFormatter formatter = new SimpleFormatter();

    private JulHandler() {}

    /** Replaces the root logger's handlers (the JDK's console handler) with this one; idempotent. */
    static synchronized void install() {
        Logger root = LogManager.getLogManager().getLogger("");
        if (installed && root.getHandlers().length == 1 && root.getHandlers()[0] instanceof JulHandler) {
            root.setLevel(Msg.verbose() ? Level.FINE : Level.WARNING);
            return;
        }
        for (Handler h : root.getHandlers()) root.removeHandler(h);
        root.addHandler(new JulHandler());
        root.setLevel(Msg.verbose() ? Level.FINE : Level.WARNING);
        installed = true;
    }

    @Override
    public void publish(LogRecord r) {
        if (r == null) return;
        String text = formatter.formatMessage(r);
        if (r.getThrown() != null) text = text + ": " + r.getThrown();
        String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
        text = logger.substring(logger.lastIndexOf('.') + 1) + ": " + text;
        int level = r.getLevel().intValue();
        if (level >= Level.SEVERE.intValue()) {
            Msg.error(text);
        } else if (level >= Level.WARNING.intValue()) {
            Msg.warn(text);
        } else {
            Msg.debug(text);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
