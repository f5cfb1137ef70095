package org.postroom.smtpd;

import java.util.Arrays;

/**
 * Turns DATA input lines into message content (smtpd.c data_cmd): dot-unstuffing and the end-of-data
 * test. With smtpd_forbid_bare_newline=normalize (and note, reject) a "." line ends the data only when
 * it is ended by CR LF; a "." ended by a bare LF is content (and unstuffed to an empty line). As in
 * Postfix (spec 6.5, observed), the line before the "." may end in a bare LF: LF . CR LF ends the data,
 * which is harmless because every stored line is normalised. With "no", a bare LF counts as well.
 */
final class DataDecoder {
    /** A piece of content, or the end of the data. */
    sealed interface Item {
        /** Content bytes; {@code complete} when the line ends here (else it continues: an L record). */
        record Text(byte[] bytes, boolean complete) implements Item {}

        record End() implements Item {}
    }

    private static final Item END = new Item.End();

    private final boolean bareLfEnds;
    private boolean atLineStart = true;
    private boolean sawBareLf;

    DataDecoder(BareNewline mode) {
        this.bareLfEnds = mode.bareLfEndsData();
    }

    /** Decodes one complete line or piece (never an EOF line). */
    Item decode(Line line) {
        if (line.end() == Line.End.EOF) throw new IllegalArgumentException("EOF is not content");
        boolean start = atLineStart;
        atLineStart = line.complete();
        byte[] b = line.bytes();
        if (line.end() == Line.End.LF) sawBareLf = true;
        if (start && b.length > 0 && b[0] == '.') {
            if (b.length == 1 && line.complete() && (bareLfEnds || line.end() == Line.End.CRLF)) return END;
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        return new Item.Text(b, line.complete());
    }

    /** Whether any content line ended with a bare LF. */
    boolean sawBareLf() {
        return sawBareLf;
    }
}
