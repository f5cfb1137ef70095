package org.postroom.tools.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.queue.MailQueue;

/** Loading main.cf for a tool (mail_conf_read): a missing main.cf is fatal, as in Postfix. */
public final class Config {
    private Config() {}

    /** Loads DIR/main.cf; fatal (with {@code status}) when it is missing or broken. */
    public static MainCf load(Path dir, String prog, int status) {
        Path f = dir.resolve("main.cf");
        if (!Files.exists(f)) throw new Fatal("open " + f + ": No such file or directory", status);
        try {
            return MainCf.load(dir, Map.of("process_name", prog), w -> ToolLog.warn(w));
        } catch (ConfigException e) {
            throw new Fatal(e.getMessage(), status);
        }
    }

    /** The queue of a configuration. */
    public static MailQueue queue(MainCf cfg, int status) {
        try {
            return new MailQueue(Path.of(cfg.get(Params.QUEUE_DIRECTORY)), cfg.get(Params.HASH_QUEUE_NAMES),
                    cfg.get(Params.HASH_QUEUE_DEPTH));
        } catch (ConfigException e) {
            throw new Fatal(e.getMessage(), status);
        }
    }
}
