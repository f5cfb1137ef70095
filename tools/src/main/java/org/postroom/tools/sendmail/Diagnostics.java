package org.postroom.tools.sendmail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.log.Msg;
import org.postroom.util.Printable;

/**
 * Where sendmail's messages go: standard error as {@code sendmail: [warning: |fatal: ]text}, and also
 * maillog_file when this user may append to it (Postfix logs through setgid postlog; Postroom has no
 * setgid helper, so a user who cannot write the log is only told on standard error).
 */
final class Diagnostics {
    private Diagnostics() {}

    private static volatile boolean logging;

    /** -C (a directory, or a main.cf file in it), else $MAIL_CONFIG, else the default. */
    static Path configDirectory(String option) {
        if (option != null && !option.isEmpty()) {
            Path p = Path.of(option);
            return p.getFileName() != null && p.getFileName().toString().equals("main.cf") && p.getParent() != null
                    ? p.getParent() : p;
        }
        String env = System.getenv("MAIL_CONFIG");
        return Path.of(env != null && !env.isEmpty() ? env : Params.CONFIG_DIRECTORY.defaultValue());
    }

    static void init(MainCf cfg) {
        String file = cfg.get(Params.MAILLOG_FILE);
        if (file.isEmpty() || !Files.isWritable(Path.of(file))) return;
        Msg.init(cfg.get(Params.SYSLOG_NAME), "sendmail", cfg.get(Params.MYHOSTNAME), file, false);
        logging = true;
    }

    static void warn(String text) {
        String clean = Printable.sanitize(text);
        System.err.println("sendmail: warning: " + clean);
        if (logging) Msg.warn(clean);
    }

    static void fatal(String text) {
        String clean = Printable.sanitize(text);
        System.err.println("sendmail: fatal: " + clean);
        System.err.flush();
        if (logging) Msg.fatal(clean);
    }
}
