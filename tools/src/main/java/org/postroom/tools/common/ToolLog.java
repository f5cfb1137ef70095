package org.postroom.tools.common;

import java.nio.file.Files;
import java.nio.file.Path;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.log.Msg;
import org.postroom.util.Printable;

/**
 * Diagnostics of a command-line tool (msg_vstream + msg_syslog): every line goes to standard error as
 * {@code prog: text}, {@code prog: warning: text} or {@code prog: fatal: text}, and also to maillog_file
 * when the invoking user may append to it.
 */
public final class ToolLog {
    private ToolLog() {}

    private static volatile String prog = "postroom";
    private static volatile boolean logging;

    public static void program(String name) {
        prog = name;
    }

    public static String program() {
        return prog;
    }

    /** Also log to maillog_file, when it is set and writable. */
    public static void attach(MainCf cfg) {
        try {
            String file = cfg.get(Params.MAILLOG_FILE);
            if (file.isEmpty() || !Files.isWritable(Path.of(file))) return;
            Msg.init(cfg.get(Params.SYSLOG_NAME), prog, cfg.get(Params.MYHOSTNAME), file, false);
            logging = true;
        } catch (RuntimeException e) {
            // a broken setting must not stop a diagnostic
        }
    }

    public static void info(String text) {
        String t = Printable.sanitize(text);
        System.err.println(prog + ": " + t);
        if (logging) Msg.info(t);
    }

    public static void warn(String text) {
        String t = Printable.sanitize(text);
        System.err.println(prog + ": warning: " + t);
        if (logging) Msg.warn(t);
    }

    /** Prints the fatal line; the caller returns the exit status. */
    public static void fatal(String text) {
        String t = Printable.sanitize(text);
        System.err.println(prog + ": fatal: " + t);
        System.err.flush();
        if (logging) Msg.fatal(t);
    }
}
