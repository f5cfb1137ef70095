package org.postroom.cleanup;

import java.util.Locale;
import java.util.Set;

/**
 * What cleanup learns from the primary message headers (cleanup_message.c): which of the headers it
 * may add are present, the Message-ID, the Received: hop count, and whether any Resent- header exists.
 */
final class HeaderState {
    boolean messageId;
    boolean date;
    boolean from;
    boolean resent;
    boolean resentMessageId;
    boolean resentDate;
    boolean resentFrom;
    String messageIdValue = "";
    int received;

    /** Inspects one logical header; returns false when it must be dropped (message_drop_headers). */
    boolean accept(String logical, Set<String> dropHeaders) {
        int colon = logical.indexOf(':');
        if (colon <= 0) return true;
        String name = logical.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        if (dropHeaders.contains(name)) return false;
        String value = logical.substring(colon + 1).strip();
        switch (name) {
            case "message-id" -> {
                messageId = true;
                messageIdValue = value;
            }
            case "date" -> date = true;
            case "from" -> from = true;
            case "received" -> received++;
            case "resent-message-id" -> resentMessageId = true;
            case "resent-date" -> resentDate = true;
            case "resent-from" -> resentFrom = true;
            default -> { }
        }
        if (name.startsWith("resent-")) resent = true;
        return true;
    }
}
