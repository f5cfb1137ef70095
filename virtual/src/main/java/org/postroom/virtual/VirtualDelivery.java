package org.postroom.virtual;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postroom.global.log.Msg;
import org.postroom.global.mailbox.Errno;
import org.postroom.global.mailbox.Maildir;
import org.postroom.global.mailbox.Mbox;
import org.postroom.global.mailbox.Message;
import org.postroom.global.mailbox.Owner;
import org.postroom.global.mailbox.Verdict;
import org.postroom.global.table.AddressLookup;
import org.postroom.global.table.LazyTable;
import org.postroom.global.table.Table;
import org.postroom.global.table.TableException;

/**
 * One recipient through virtual(8) (recipient.c, mailbox.c, maildir.c, unknown.c): the forwarding-loop
 * check, the mailbox from virtual_mailbox_maps (keys user+ext@domain, user@domain, @domain), its owner
 * from virtual_uid_maps and virtual_gid_maps, then Maildir (a value ending in "/") or mbox below
 * virtual_mailbox_base. An unknown address bounces; any lookup problem defers.
 */
final class VirtualDelivery {
    private static final String CONFIG_ERROR = "mail system configuration error";

    private final VirtualConfig cfg;
    private final List<Table> mailboxMaps;
    private final List<Table> uidMaps;
    private final List<Table> gidMaps;
    private final Mbox mbox;
    private final Maildir maildir;

    VirtualDelivery(VirtualConfig cfg, Mbox mbox, Maildir maildir) {
        this.cfg = cfg;
        this.mailboxMaps = open(cfg.mailboxMaps());
        this.uidMaps = open(cfg.uidMaps());
        this.gidMaps = open(cfg.gidMaps());
        this.mbox = mbox;
        this.maildir = maildir;
    }

    private static List<Table> open(List<String> specs) {
        List<Table> out = new ArrayList<>();
        for (String s : specs) out.add(new LazyTable(s, false));
        return out;
    }

    /**
     * Delivers the message to {@code recipient}; never throws. A {@code probe} (sendmail -bv) delivers nothing
     * and says where it would (mailbox.c, maildir.c: "Don't deliver trace-only requests").
     */
    Verdict deliver(Message msg, String recipient, String origRcpt, ZonedDateTime now, boolean probe) {
        String user = recipient.toLowerCase(Locale.ROOT);
        try {
            if (msg.deliveredTo().contains(user)) return Verdict.bounce("5.4.6", "mail forwarding loop for " + recipient);
        } catch (IOException e) {
            return Verdict.defer("4.3.0", "cannot read message: " + Errno.text(e));
        }
        Optional<String> box;
        try {
            box = find(mailboxMaps, user);
        } catch (TableException e) {
            Msg.warn("table virtual_mailbox_maps: lookup " + user + ": " + e.getMessage());
            return Verdict.defer("4.3.5", CONFIG_ERROR);
        }
        if (box.isEmpty()) return Verdict.bounce("5.1.1", "unknown user: \"" + user + "\"");
        Optional<Owner> owner;
        try {
            owner = owner(user);
        } catch (TableException e) {
            Msg.warn("recipient " + user + ": " + e.getMessage());
            return Verdict.defer("4.3.5", CONFIG_ERROR);
        }
        if (owner.isEmpty()) return Verdict.defer("4.3.5", CONFIG_ERROR);
        Path path = cfg.mailbox(box.get());
        if (probe) return Verdict.sent(box.get().endsWith("/") ? "delivers to maildir" : "delivers to mailbox");
        if (box.get().endsWith("/")) {
            return maildir.deliver(path, owner.get(), msg, origRcpt, recipient, now.toInstant());
        }
        return mbox.deliver(path, owner.get(), msg, origRcpt, recipient, now, "mailbox " + path + ": ", "delivered to mailbox");
    }

    /** The uid and gid of the mailbox; empty (after a warning) when a map has no usable entry. */
    private Optional<Owner> owner(String user) throws TableException {
        Optional<String> uid = find(uidMaps, user);
        if (uid.isEmpty()) {
            Msg.warn("recipient " + user + ": not found in virtual_uid_maps");
            return Optional.empty();
        }
        long u = number(uid.get());
        if (u < cfg.minimumUid()) {
            Msg.warn("recipient " + user + ": bad uid " + uid.get() + " in virtual_uid_maps");
            return Optional.empty();
        }
        Optional<String> gid = find(gidMaps, user);
        if (gid.isEmpty()) {
            Msg.warn("recipient " + user + ": not found in virtual_gid_maps");
            return Optional.empty();
        }
        long g = number(gid.get());
        if (g <= 0) {
            Msg.warn("recipient " + user + ": bad gid " + gid.get() + " in virtual_gid_maps");
            return Optional.empty();
        }
        return Optional.of(new Owner((int) u, (int) g));
    }

    private Optional<String> find(List<Table> tables, String user) throws TableException {
        return AddressLookup.find(tables, user, cfg.recipientDelimiter(), d -> false).map(AddressLookup.Hit::value);
    }

    /** atol(): the leading digits, 0 when there are none. */
    private static long number(String s) {
        String t = s.strip();
        int end = 0;
        while (end < t.length() && end < 18 && Character.isDigit(t.charAt(end))) end++;
        return end == 0 ? 0 : Long.parseLong(t.substring(0, end));
    }
}
