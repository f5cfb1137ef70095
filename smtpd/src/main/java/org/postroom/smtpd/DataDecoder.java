package org.postroom.smtpd;

import java.util.Arrays;

/**
 * Turns DATA input lines into message content (smtpd.c receive_data): dot-unstuffing and the
 * end-of-data test, by Postfix's rules against SMTP smuggling (CVE-2023-51764).
 *
 * <p>With smtpd_forbid_bare_newline = normalize (and note, reject) only {@code <CR><LF>.<CR><LF>} ends
 * the data: a line "." ends it only when it is ended by CR LF <em>and</em> the line before it was too.
 * A "." line that fails either test is neither the end nor content: Postfix drops it ("do not store or
 * send to proxy filter"), so that {@code <LF>.<CR><LF>}, {@code <CR><LF>.<LF>} and {@code <LF>.<LF>}
 * can never end a message, and nothing after them can run as a command. With "no" (and for clients in
 * smtpd_forbid_bare_newline_exclusions) a bare LF ends a line everywhere, so any "." line ends the data.
 */
final class DataDecoder {
    /** A piece of content, a line to drop, or the end of the data. */
    sealed interface Item {
        /** Content bytes; {@code complete} when the line ends here (else it continues: an L record). */
        record Text(byte[] bytes, boolean complete) implements Item {}

        /** A "." line that is not a standard end of data: not stored. */
        record Dropped() implements Item {}

        record End() implements Item {}
    }

    private static final Item END = new Item.End();
    private static final Item DROPPED = new Item.Dropped();

    private final boolean wantStdEod;
    private boolean atLineStart = true;
    private boolean prevBareLf;
    private boolean sawBareLf;

    DataDecoder(BareNewline mode) {
        this.wantStdEod = !mode.bareLfEndsData();
    }

    /** Decodes one complete line or piece (never an EOF line). */
    Item decode(Line line) {
        if (line.end() == Line.End.EOF) throw new IllegalArgumentException("EOF is not content");
        boolean start = atLineStart;
        boolean bareLf = line.end() == Line.End.LF;
        boolean prev = prevBareLf;
        atLineStart = line.complete();
        prevBareLf = bareLf;
        if (bareLf) sawBareLf = true;
        byte[] b = line.bytes();
        if (start && b.length > 0 && b[0] == '.') {
            if (b.length == 1 && line.complete()) {
                if (wantStdEod && (bareLf || prev)) return DROPPED;
                return END;
            }
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        return new Item.Text(b, line.complete());
    }

    /** Whether any content line ended with a bare LF. */
    boolean sawBareLf() {
        return sawBareLf;
    }
}
