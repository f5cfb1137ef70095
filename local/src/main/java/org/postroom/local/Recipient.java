package org.postroom.local;

import java.util.ArrayList;
import java.util.List;

/**
 * The attributes of one recipient as the expansion recurses (Postfix's msg_attr and usr_attr): its
 * address, the Delivered-To: address, whose rights files and commands use, where the recipient came from,
 * the alias being expanded, the unmatched extension to propagate, the chain of alias names above it and
 * the nesting level.
 */
record Recipient(String address, String delivered, Rights rights, Source source, String expandedFrom,
                 String unmatched, List<String> chain, int level) {

    /** How the recipient was reached (exp_type): decides whether files and commands are allowed. */
    enum Source {
        /** The recipient of the request itself, or a mailbox_command. */
        NONE,
        ALIAS,
        INCLUDE;

        /** The allow_mail_to_commands / allow_mail_to_files keyword, or null when always allowed. */
        String keyword() {
            return switch (this) {
                case NONE -> null;
                case ALIAS -> "alias";
                case INCLUDE -> "include";
            };
        }
    }

    Recipient {
        chain = List.copyOf(chain);
    }

    static Recipient top(String address) {
        return new Recipient(address, null, null, Source.NONE, null, null, List.of(), 0);
    }

    /** With Delivered-To: set to this address unless an alias above already set it. */
    Recipient delivering() {
        return delivered != null ? this : new Recipient(address, address, rights, source, expandedFrom, unmatched, chain, level);
    }

    Recipient deeper() {
        return new Recipient(address, delivered, rights, source, expandedFrom, unmatched, chain, level + 1);
    }

    Recipient withAddress(String a) {
        return new Recipient(a, delivered, rights, source, expandedFrom, null, chain, level);
    }

    Recipient withRights(Rights r, Source s) {
        return new Recipient(address, delivered, r, s, expandedFrom, unmatched, chain, level);
    }

    /**
     * The attributes for the values of alias {@code name} found for this recipient.
     *
     * @param unmatchedExtension delimiter and extension to add to each address in the values, or null
     */
    Recipient expanding(String name, Rights r, String unmatchedExtension) {
        List<String> c = new ArrayList<>(chain);
        c.add(name);
        return new Recipient(address, address, r, Source.ALIAS, name, unmatchedExtension, c, level);
    }
}
