package org.postroom.tools.sendmail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code sendmail -t}: collects the recipients of the primary message headers (sendmail.c
 * {@code output_header}). To, Cc and Bcc count until a Resent-To, Resent-Cc or Resent-Bcc header is seen;
 * from then on only Resent- recipient headers count, and the result is the Resent- list alone. Bcc
 * headers stay in the message: cleanup drops them (message_drop_headers). Handles untrusted input;
 * {@link MessageReader} bounds each header by header_size_limit before it gets here.
 */
final class HeaderRecipients {
    private final List<String> plain = new ArrayList<>();
    private final List<String> resent = new ArrayList<>();
    private boolean resentSeen;

    /** One logical header, continuation lines included, without its final newline. */
    void header(String logical) {
        int colon = logical.indexOf(':');
        if (colon <= 0) return;
        String name = logical.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        boolean isResent;
        switch (name) {
            case "resent-to", "resent-cc", "resent-bcc" -> isResent = true;
            case "to", "cc", "bcc" -> isResent = false;
            default -> {
                return;
            }
        }
        if (isResent) {
            resentSeen = true;
            resent.addAll(AddressList.parse(logical.substring(colon + 1)));
        } else if (!resentSeen) {
            plain.addAll(AddressList.parse(logical.substring(colon + 1)));
        }
    }

    List<String> recipients() {
        return List.copyOf(resentSeen ? resent : plain);
    }

    /** Postfix is_header(): a name of printable non-space characters, optional blanks, then a colon. */
    static boolean isHeader(byte[] line, int len) {
        int i = 0;
        while (i < len && line[i] > ' ' && line[i] < 127 && line[i] != ':') i++;
        if (i == 0) return false;
        while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
        return i < len && line[i] == ':';
    }
}
