package org.postroom.global.proto.cleanup;

/**
 * Final status of a cleanup transaction (cleanup_user.h, cleanup_strerror.c). 0 means the message is
 * queued, fsynced and qmgr has been told.
 */
public record CleanupStatus(int status, String reason) {
    public static final int STAT_BAD = 0x1;
    public static final int STAT_WRITE = 0x2;
    public static final int STAT_SIZE = 0x4;
    public static final int STAT_CONT = 0x8;
    public static final int STAT_HOPS = 0x10;
    public static final int STAT_RCPT = 0x20;
    public static final int STAT_DEFER = 0x200;

    public static final CleanupStatus OK = new CleanupStatus(0, "");

    public boolean ok() {
        return status == 0;
    }

    /** The SMTP reply smtpd gives for this status (smtpd.c, cleanup_strerror). */
    public String smtpReply(String queueId, String myhostname) {
        if (status == 0) return "250 2.0.0 Ok: queued as " + queueId;
        if ((status & STAT_CONT) != 0) return reason.isEmpty() ? "550 5.7.1 Error: message content rejected" : reason;
        if ((status & STAT_SIZE) != 0) return "552 5.3.4 Error: message file too big";
        if ((status & STAT_HOPS) != 0) return "554 5.4.0 Error: too many hops";
        if ((status & STAT_RCPT) != 0) return "554 5.5.1 Error: no valid recipients";
        if ((status & STAT_DEFER) != 0) return reason.matches("^4\\d\\d .*") ? reason : "451 4.3.0 Error: queue file write error";
        if ((status & STAT_WRITE) != 0) return "451 4.3.0 Error: queue file write error";
        return "451 4.3.0 Error: internal error";
    }
}
