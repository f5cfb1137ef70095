package org.postroom.pickup;

import org.postroom.global.proto.cleanup.CleanupStatus;

/** cleanup_strerror(): the text for a cleanup status when cleanup gave no reason. */
final class CleanupErrors {
    private CleanupErrors() {}

    static String text(int status) {
        if ((status & CleanupStatus.STAT_DEFER) != 0) return "service unavailable";
        if ((status & CleanupStatus.STAT_BAD) != 0) return "internal protocol error";
        if ((status & CleanupStatus.STAT_RCPT) != 0) return "no recipients specified";
        if ((status & CleanupStatus.STAT_HOPS) != 0) return "too many hops";
        if ((status & CleanupStatus.STAT_SIZE) != 0) return "message file too big";
        if ((status & CleanupStatus.STAT_CONT) != 0) return "message content rejected";
        if ((status & CleanupStatus.STAT_WRITE) != 0) return "queue file write error";
        return "unknown cleanup error " + status;
    }
}
