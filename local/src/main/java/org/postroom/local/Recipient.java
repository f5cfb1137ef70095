package org.postroom.local;

import java.util.ArrayList;
import java.util.List;

/**
 * The attributes of one recipient as the expansion recurses (Postfix's msg_attr and usr_attr): its
 * address, the Delivered-To: address, whose rights files and commands use, where the recipient came from,
 * the alias being expanded, the unmatched extension to propagate, the chain of alias names above it, the
 * nesting level, the owner (an owner- alias or the user whose .forward is read: local addresses below it
 * are resubmitted), the envelope sender for deliveries below it (null: the message's) and the original
 * recipient that forwarded copies carry (null: the request's; empty: none).
 */
record Recipient(String address, String delivered, Rights rights, Source source, String expandedFrom,
                 String unmatched, List<String> chain, int level, String owner, String sender, String orig) {

    /** How the recipient was reached (exp_type): decides whether files and commands are allowed. */
    enum Source {
        /** The recipient of the request itself, or a mailbox_command. */
        NONE,
        ALIAS,
        INCLUDE,
        FORWARD;

        /** The allow_mail_to_commands / allow_mail_to_files keyword, or null when always allowed. */
        String keyword() {
            return switch (this) {
                case NONE -> null;
                case ALIAS -> "alias";
                case INCLUDE -> "include";
                case FORWARD -> "forward";
            };
        }
    }

    Recipient {
        chain = List.copyOf(chain);
    }

    static Recipient top(String address) {
        return new Recipient(address, null, null, Source.NONE, null, null, List.of(), 0, null, null, null);
    }

    /** With Delivered-To: set to this address unless an alias above already set it. */
    Recipient delivering() {
        return delivered != null ? this : with(address, address, rights, source, unmatched, chain, level);
    }

    Recipient deeper() {
        return with(address, delivered, rights, source, unmatched, chain, level + 1);
    }

    Recipient withAddress(String a) {
        return with(a, delivered, rights, source, null, chain, level);
    }

    Recipient withRights(Rights r, Source s) {
        return with(address, delivered, r, s, unmatched, chain, level);
    }

    /** Below an owner- alias: the owner becomes the sender and forwarded copies carry no original recipient. */
    Recipient ownedBy(String ownerAddress) {
        return new Recipient(address, delivered, rights, source, expandedFrom, unmatched, chain, level, ownerAddress,
                ownerAddress, "");
    }

    /** Below an alias without owner-: the owner is reset, the sender stays. */
    Recipient unowned() {
        return new Recipient(address, delivered, rights, source, expandedFrom, unmatched, chain, level, null, sender, orig);
    }

    /**
     * The attributes for the values of alias (or .forward of user) {@code name} found for this recipient.
     *
     * @param unmatchedExtension delimiter and extension to add to each address in the values, or null
     */
    Recipient expanding(String name, Rights r, Source s, String unmatchedExtension) {
        List<String> c = new ArrayList<>(chain);
        c.add(name);
        return new Recipient(address, address, r, s, name, unmatchedExtension, c, level, owner, sender, orig);
    }

    /** The .forward of {@code user}: the user owns what it lists. */
    Recipient forwardOf(String user, Rights r, String unmatchedExtension) {
        Recipient e = expanding(user, r, Source.FORWARD, unmatchedExtension);
        return new Recipient(e.address, e.delivered, r, Source.FORWARD, user, unmatchedExtension, e.chain, level, user,
                sender, orig);
    }

    private Recipient with(String a, String d, Rights r, Source s, String u, List<String> c, int l) {
        return new Recipient(a, d, r, s, expandedFrom, u, c, l, owner, sender, orig);
    }
}
