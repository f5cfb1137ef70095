package org.postroom.virtual;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;
import org.postroom.global.mailbox.MailboxLock;
import org.postroom.service.FatalException;

/** The main.cf settings virtual(8) uses, read once at start-up; checked as Postfix checks them. */
record VirtualConfig(String mailboxBase, List<String> mailboxMaps, List<String> uidMaps, List<String> gidMaps,
                     int minimumUid, long mailboxLimit, MailboxLock.Settings lock, String recipientDelimiter,
                     int lineLengthLimit) {

    static final Param<String> VIRTUAL_MAILBOX_BASE = Params.VIRTUAL_MAILBOX_BASE;
    static final Param<List<String>> VIRTUAL_UID_MAPS = Params.VIRTUAL_UID_MAPS;
    static final Param<List<String>> VIRTUAL_GID_MAPS = Params.VIRTUAL_GID_MAPS;
    static final Param<Integer> VIRTUAL_MINIMUM_UID = Params.VIRTUAL_MINIMUM_UID;
    static final Param<Long> VIRTUAL_MAILBOX_LIMIT = Params.VIRTUAL_MAILBOX_LIMIT;
    static final Param<List<String>> VIRTUAL_MAILBOX_LOCK = Params.VIRTUAL_MAILBOX_LOCK;

    /** Every parameter virtual reads, for the skeleton's start-up validation. */
    static final List<Param<?>> PARAMS = List.of(Params.QUEUE_DIRECTORY, VIRTUAL_MAILBOX_BASE, Params.VIRTUAL_MAILBOX_MAPS,
            VIRTUAL_UID_MAPS, VIRTUAL_GID_MAPS, VIRTUAL_MINIMUM_UID, VIRTUAL_MAILBOX_LIMIT, VIRTUAL_MAILBOX_LOCK,
            Params.MESSAGE_SIZE_LIMIT, Params.RECIPIENT_DELIMITER, Params.DELIVER_LOCK_ATTEMPTS, Params.DELIVER_LOCK_DELAY,
            Params.STALE_LOCK_TIME, Params.LINE_LENGTH_LIMIT);

    static VirtualConfig from(MainCf cfg) {
        long limit = cfg.get(VIRTUAL_MAILBOX_LIMIT);
        long messageLimit = cfg.get(Params.MESSAGE_SIZE_LIMIT);
        if (limit > 0 && messageLimit > 0 && limit < messageLimit) {
            throw new FatalException("configuration error: virtual_mailbox_limit is smaller than message_size_limit");
        }
        String base = cfg.get(VIRTUAL_MAILBOX_BASE);
        if (!base.startsWith("/")) {
            throw new FatalException("do not specify relative pathname: virtual_mailbox_base = " + base);
        }
        Set<String> locks = cfg.get(VIRTUAL_MAILBOX_LOCK).stream().map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        for (String l : locks) {
            if (!l.equals("fcntl") && !l.equals("flock") && !l.equals("dotlock")) {
                throw new FatalException("unknown virtual_mailbox_lock type: " + l);
            }
        }
        MailboxLock.Settings lock = new MailboxLock.Settings(locks.contains("fcntl") || locks.contains("flock"),
                locks.contains("dotlock"), Math.max(1, cfg.get(Params.DELIVER_LOCK_ATTEMPTS)),
                cfg.get(Params.DELIVER_LOCK_DELAY), cfg.get(Params.STALE_LOCK_TIME));
        return new VirtualConfig(base, cfg.get(Params.VIRTUAL_MAILBOX_MAPS), cfg.get(VIRTUAL_UID_MAPS),
                cfg.get(VIRTUAL_GID_MAPS), cfg.get(VIRTUAL_MINIMUM_UID), limit, lock,
                cfg.get(Params.RECIPIENT_DELIMITER), cfg.get(Params.LINE_LENGTH_LIMIT));
    }

    /** The mailbox path for a virtual_mailbox_maps value. */
    Path mailbox(String value) {
        return Path.of(mailboxBase + "/" + value);
    }

    /** The largest queue-file record virtual accepts while reading content. */
    int maxRecord() {
        return Math.max(lineLengthLimit, 2048) * 2;
    }
}
