package org.postroom.global.proto.showq;

import java.util.List;

/**
 * One queued message as the queue listing shows it (the showq record): where it is, its arrival time in
 * seconds, its size (the content length of the C record, or the file size for maildrop files), whether
 * it was force-expired, the sender in external form (the null sender as MAILER-DAEMON), and the
 * recipients still to do. Recipients from the defer log come first, each with its reason; the other
 * recipients have an empty reason.
 */
public record QueueEntry(String queueName, String queueId, long arrivalTime, long size, boolean forcedExpire,
                         String sender, List<Recipient> recipients) {
    public QueueEntry {
        recipients = List.copyOf(recipients);
    }

    /** A recipient and the reason of its last deferral ("" when none is known). */
    public record Recipient(String address, String reason) {}
}
