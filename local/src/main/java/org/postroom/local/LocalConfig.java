package org.postroom.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;
import org.postroom.global.mailbox.MailboxLock;
import org.postroom.service.FatalException;

/**
 * The main.cf settings local(8) uses, read once at start-up. Parameters that global {@link Params} does not
 * declare yet are declared here with their Postfix defaults.
 */
record LocalConfig(Path queueDirectory, String myhostname, String myorigin, Set<String> mydestination,
                   String recipientDelimiter, List<String> aliasMaps, String homeMailbox, String mailSpoolDirectory,
                   String mailboxCommand, long mailboxSizeLimit, MailboxLock.Settings lock,
                   Set<String> prependDelivered, Set<String> allowCommands, Set<String> allowFiles,
                   Duration commandTimeLimit, String defaultPrivs, int lineLengthLimit, String commandDirectory,
                   List<String> exportEnvironment, String expansionFilter, Set<String> propagateExtensions,
                   List<String> forwardPath, String transportName, String mailName) {

    static final Param<List<String>> PROPAGATE_UNMATCHED_EXTENSIONS =
            Param.list("propagate_unmatched_extensions", "canonical, virtual");
    static final Param<String> COMMAND_EXECUTION_DIRECTORY = Params.COMMAND_EXECUTION_DIRECTORY;
    static final Param<List<String>> EXPORT_ENVIRONMENT = Params.EXPORT_ENVIRONMENT;
    static final Param<String> COMMAND_EXPANSION_FILTER = Param.string("command_expansion_filter",
            "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    /** Every parameter local reads, for the skeleton's start-up validation. */
    static final List<Param<?>> PARAMS = List.of(Params.QUEUE_DIRECTORY, Params.MYHOSTNAME, Params.MYORIGIN,
            Params.MYDESTINATION, Params.RECIPIENT_DELIMITER, Params.ALIAS_MAPS, Params.HOME_MAILBOX,
            Params.MAIL_SPOOL_DIRECTORY, Params.MAILBOX_COMMAND, Params.MAILBOX_SIZE_LIMIT, Params.MESSAGE_SIZE_LIMIT,
            Params.MAILBOX_DELIVERY_LOCK, Params.DELIVER_LOCK_ATTEMPTS, Params.DELIVER_LOCK_DELAY,
            Params.STALE_LOCK_TIME, Params.PREPEND_DELIVERED_HEADER, Params.ALLOW_MAIL_TO_COMMANDS,
            Params.ALLOW_MAIL_TO_FILES, Params.COMMAND_TIME_LIMIT, Params.DEFAULT_PRIVS, Params.LINE_LENGTH_LIMIT,
            PROPAGATE_UNMATCHED_EXTENSIONS, COMMAND_EXECUTION_DIRECTORY, EXPORT_ENVIRONMENT, COMMAND_EXPANSION_FILTER,
            Params.FORWARD_PATH, Params.MAIL_NAME);

    /** Reads and checks the settings; a bad combination is fatal, as in Postfix. */
    static LocalConfig from(MainCf cfg) {
        return from(cfg, "local");
    }

    /** {@code service} is this agent's master.cf name: addresses resolving to it are delivered here. */
    static LocalConfig from(MainCf cfg, String service) {
        long mailboxLimit = cfg.get(Params.MAILBOX_SIZE_LIMIT);
        long messageLimit = cfg.get(Params.MESSAGE_SIZE_LIMIT);
        if (mailboxLimit > 0 && messageLimit > 0 && mailboxLimit < messageLimit) {
            throw new FatalException("configuration error: mailbox_size_limit is smaller than message_size_limit");
        }
        Set<String> locks = lower(cfg.get(Params.MAILBOX_DELIVERY_LOCK));
        for (String l : locks) {
            if (!l.equals("fcntl") && !l.equals("flock") && !l.equals("dotlock")) {
                throw new FatalException("unknown mailbox_delivery_lock type: " + l);
            }
        }
        MailboxLock.Settings lock = new MailboxLock.Settings(locks.contains("fcntl") || locks.contains("flock"),
                locks.contains("dotlock"), Math.max(1, cfg.get(Params.DELIVER_LOCK_ATTEMPTS)),
                cfg.get(Params.DELIVER_LOCK_DELAY), cfg.get(Params.STALE_LOCK_TIME));
        return new LocalConfig(Path.of(cfg.get(Params.QUEUE_DIRECTORY)), cfg.get(Params.MYHOSTNAME),
                cfg.get(Params.MYORIGIN), lower(cfg.get(Params.MYDESTINATION)), cfg.get(Params.RECIPIENT_DELIMITER),
                cfg.get(Params.ALIAS_MAPS), cfg.get(Params.HOME_MAILBOX), cfg.get(Params.MAIL_SPOOL_DIRECTORY),
                cfg.get(Params.MAILBOX_COMMAND), mailboxLimit, lock, lower(cfg.get(Params.PREPEND_DELIVERED_HEADER)),
                lower(cfg.get(Params.ALLOW_MAIL_TO_COMMANDS)), lower(cfg.get(Params.ALLOW_MAIL_TO_FILES)),
                cfg.get(Params.COMMAND_TIME_LIMIT), cfg.get(Params.DEFAULT_PRIVS), cfg.get(Params.LINE_LENGTH_LIMIT),
                local(cfg, COMMAND_EXECUTION_DIRECTORY), local(cfg, EXPORT_ENVIRONMENT), local(cfg, COMMAND_EXPANSION_FILTER),
                lower(local(cfg, PROPAGATE_UNMATCHED_EXTENSIONS)), forwardPath(cfg), service, cfg.get(Params.MAIL_NAME));
    }

    /** forward_path unexpanded: its $names are the recipient's attributes, expanded per delivery. */
    private static List<String> forwardPath(MainCf cfg) {
        String raw = cfg.raw(Params.FORWARD_PATH.name());
        return raw == null ? List.of() : Param.splitList(raw);
    }

    /** The largest queue-file record local accepts while reading content. */
    int maxRecord() {
        return Math.max(lineLengthLimit, 2048) * 2;
    }

    /** True when the domain is one of mydestination (or there is no domain at all). */
    boolean isLocalDomain(String domain) {
        if (domain.isEmpty()) return true;
        String d = domain.toLowerCase(Locale.ROOT);
        return mydestination.contains(d) || d.equals(myhostname.toLowerCase(Locale.ROOT));
    }

    /** A parameter declared here rather than in {@link Params}: MainCf does not know its default. */
    static <T> T local(MainCf cfg, Param<T> p) {
        if (cfg.raw(p.name()) != null) return cfg.get(p);
        return p.parser().parse(cfg.expand(p.defaultValue()));
    }

    private static Set<String> lower(List<String> l) {
        return l.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
