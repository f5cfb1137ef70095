package org.postroom.global.proto.deliver;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.AttrWriter;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.ipc.ProtocolException;

/**
 * A delivery agent's answer to one request (deliver_request_done()): one status per recipient and,
 * when the failure concerned the destination rather than the recipients, a <i>hop status</i> (Postfix's
 * {@code request->hop_status}, set by smtp_site_fail() and smtp_sess_fail()). qmgr(8) takes a hop
 * status as negative concurrency feedback for the destination and, once the destination's failed
 * cohort limit is reached, defers its other mail with "delivery temporarily suspended: REASON".
 *
 * <p>On the wire the recipient groups come first (see {@link DeliveryStatus#writeAll}), then
 * {@code hop_status} and {@code hop_reason} when there is a hop status; readers that do not know them
 * skip them.
 */
public record DeliveryReply(List<DeliveryStatus> recipients, Optional<HopStatus> hopStatus) {

    /** Why the destination, not the recipient, failed: a 4.x.x status and the reason text. */
    public record HopStatus(String dsn, String reason) {
        public HopStatus {
            if (dsn.isEmpty() || reason.isEmpty()) throw new IllegalArgumentException("empty hop status");
        }
    }

    public DeliveryReply {
        recipients = List.copyOf(recipients);
    }

    /** A reply with per-recipient results only: the destination itself was fine. */
    public static DeliveryReply of(List<DeliveryStatus> recipients) {
        return new DeliveryReply(recipients, Optional.empty());
    }

    /** A reply that also reports that the destination could not be reached or would not talk. */
    public static DeliveryReply hopFailure(List<DeliveryStatus> recipients, String dsn, String reason) {
        return new DeliveryReply(recipients, Optional.of(new HopStatus(dsn, reason)));
    }

    public void writeTo(AttrWriter w) throws IOException {
        DeliveryStatus.writeGroups(w, recipients);
        if (hopStatus.isPresent()) {
            w.attr(AttrNames.HOP_STATUS, hopStatus.get().dsn()).attr(AttrNames.HOP_REASON, hopStatus.get().reason());
        }
        w.end();
    }

    public static DeliveryReply readFrom(Attrs a) throws ProtocolException {
        Optional<String> dsn = a.optional(AttrNames.HOP_STATUS);
        Optional<String> reason = a.optional(AttrNames.HOP_REASON);
        List<DeliveryStatus> rcpts = DeliveryStatus.readAll(a);
        if (dsn.isEmpty() && reason.isEmpty()) return of(rcpts);
        if (dsn.isEmpty() || reason.isEmpty() || dsn.get().isEmpty() || reason.get().isEmpty()) {
            throw new ProtocolException("incomplete hop status");
        }
        return hopFailure(rcpts, dsn.get(), reason.get());
    }
}
