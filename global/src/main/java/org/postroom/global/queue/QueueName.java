package org.postroom.global.queue;

/** The queue directories under queue_directory (mail_queue.h). */
public enum QueueName {
    MAILDROP, INCOMING, ACTIVE, DEFERRED, HOLD, CORRUPT, DEFER, BOUNCE, TRACE, SAVED;

    /** The directory name, e.g. "deferred". */
    public String dir() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static QueueName of(String dir) {
        for (QueueName q : values()) if (q.dir().equals(dir)) return q;
        return null;
    }
}
