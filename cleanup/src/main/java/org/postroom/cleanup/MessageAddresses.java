package org.postroom.cleanup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postroom.global.queue.QueueId;

/**
 * The addresses of one message on their way into the queue file (cleanup_addr.c, cleanup_out_recipient.c,
 * cleanup_rewrite_sender/recip in cleanup_message.c): canonical form through trivial-rewrite, the
 * MAILER-DAEMON sender made null, canonical maps, virtual alias expansion of recipients, duplicate
 * suppression, and address rewriting in the sender and recipient headers when the rewrite context is
 * local. A mapping failure does not stop the transaction: it is remembered in {@link #status()} and the
 * message is refused at the end.
 */
final class MessageAddresses {
    private static final Set<String> SENDER_HEADERS = Set.of("from", "sender", "reply-to", "errors-to",
            "return-receipt-to", "disposition-notification-to", "resent-from", "resent-sender", "resent-reply-to");
    private static final Set<String> RECIPIENT_HEADERS = Set.of("to", "cc", "apparently-to", "resent-to", "resent-cc");

    private final QueueId id;
    private final CleanupTransaction.AddressRewriter rewriter;
    private final AddressMapping mapping;
    private final String myorigin;
    private final int duplicateLimit;
    private final int tokenLimit;
    private final Set<String> seen = new HashSet<>();
    private int status;

    MessageAddresses(QueueId id, CleanupTransaction.AddressRewriter rewriter, AddressMapping mapping, String myorigin,
                     int duplicateLimit) {
        this(id, rewriter, mapping, myorigin, duplicateLimit, 10240);
    }

    MessageAddresses(QueueId id, CleanupTransaction.AddressRewriter rewriter, AddressMapping mapping, String myorigin,
                     int duplicateLimit, int tokenLimit) {
        this.tokenLimit = tokenLimit;
        this.id = id;
        this.rewriter = rewriter;
        this.mapping = mapping;
        this.myorigin = myorigin;
        this.duplicateLimit = duplicateLimit;
    }

    /** CleanupStatus bits of mapping failures so far (0 when none). */
    int status() {
        return status;
    }

    /** The envelope sender in canonical form; MAILER-DAEMON@$myorigin becomes the null sender. */
    String sender(String context, String raw) throws IOException {
        if (raw.isEmpty()) return "";
        String a = rewriter.rewrite(context, raw);
        if (a.equalsIgnoreCase("MAILER-DAEMON@" + myorigin) || a.equalsIgnoreCase("MAILER-DAEMON")) return "";
        return map(AddressMapping.Kind.ENVELOPE_SENDER, a);
    }

    /** One envelope recipient: its canonical address (before virtual alias expansion) and what it gives. */
    record Expansion(String canonical, List<String> recipients) {}

    /**
     * The queue-file recipients for one envelope recipient: canonical, virtual-alias expanded, with the
     * ones already written for the same original recipient left out.
     */
    Expansion recipients(String context, String orig, String raw) throws IOException {
        if (raw.isEmpty()) return new Expansion("", List.of());
        String a = map(AddressMapping.Kind.ENVELOPE_RECIPIENT, rewriter.rewrite(context, raw));
        List<String> expanded;
        try {
            expanded = mapping.virtual(id.value(), a);
        } catch (AddressMaps.Failure f) {
            status |= f.status;
            expanded = List.of(a);
        }
        List<String> out = new ArrayList<>();
        for (String r : expanded) {
            String key = r.toLowerCase(Locale.ROOT) + "\0" + (orig == null ? raw : orig);
            if (seen.size() < duplicateLimit && !seen.add(key)) continue;
            out.add(r);
        }
        return new Expansion(a, out);
    }

    private String map(AddressMapping.Kind kind, String address) {
        try {
            return mapping.canonical(id.value(), kind, address);
        } catch (AddressMaps.Failure f) {
            status |= f.status;
            return address;
        }
    }

    /**
     * A logical header (physical lines joined by "\n") with its addresses rewritten, or the header
     * unchanged when it is no address header or nothing changed. An address that spans a fold or holds
     * a NUL is left as it is.
     */
    String header(String logical) throws IOException {
        int colon = logical.indexOf(':');
        if (colon <= 0) return logical;
        String name = logical.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        AddressMapping.Kind kind = SENDER_HEADERS.contains(name) ? AddressMapping.Kind.HEADER_SENDER
                : RECIPIENT_HEADERS.contains(name) ? AddressMapping.Kind.HEADER_RECIPIENT : null;
        if (kind == null) return logical;
        String value = logical.substring(colon + 1);
        // header_address_token_limit (tok822_parse_limit): addresses past the limit are not looked at
        List<AddressTokens.Span> spans = AddressTokens.find(value.substring(0, AddressTokens.tokenCut(value, tokenLimit)));
        StringBuilder b = new StringBuilder(value);
        boolean changed = false;
        for (int i = spans.size() - 1; i >= 0; i--) {
            AddressTokens.Span s = spans.get(i);
            String original = value.substring(s.start(), s.end());
            // folded, or holding a NUL that the rewrite protocol cannot carry: left as it is
            if (original.indexOf('\n') >= 0 || s.address().indexOf('\0') >= 0) continue;
            String a = map(kind, rewriter.rewrite("local", s.address()));
            if (!a.equals(original)) {
                b.replace(s.start(), s.end(), a);
                changed = true;
            }
        }
        return changed ? logical.substring(0, colon + 1) + b : logical;
    }
}
