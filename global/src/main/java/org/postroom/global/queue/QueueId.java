package org.postroom.global.queue;

/**
 * A queue ID (mail_queue_id_ok): non-empty, at most 255 characters, alphanumerics and '_' only. A value
 * that breaks these rules cannot be constructed, so no path is ever built from a hostile name.
 */
public record QueueId(String value) {
    public QueueId {
        if (!valid(value)) throw new IllegalArgumentException("invalid mail queue id: " + value);
    }

    public static boolean valid(String s) {
        if (s == null || s.isEmpty() || s.length() > 255) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_')) return false;
        }
        return true;
    }

    /** Short form: %05X of the microseconds, then the inode in upper-case hex (3.3). */
    public static QueueId shortForm(long micros, long inode) {
        return new QueueId(String.format("%05X%X", micros % 1_000_000L, inode));
    }

    @Override
    public String toString() {
        return value;
    }
}
