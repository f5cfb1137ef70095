package org.postroom.smtpd;

import java.util.Locale;

/** smtpd_forbid_bare_newline (spec 6.5): how a line ended by LF without CR is treated. */
enum BareNewline {
    /** Bare LF ends lines everywhere, and LF.LF ends DATA (pre-3.9 behaviour; excluded clients). */
    NO,
    /** Bare LF ends lines, but only CRLF.CRLF ends DATA (3.9+ default; "yes" is an alias). */
    NORMALIZE,
    /** As NORMALIZE, plus notes=bare_lf in the disconnect line. */
    NOTE,
    /** A command or message with a bare LF is rejected. */
    REJECT;

    static BareNewline parse(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "no" -> NO;
            case "normalize", "yes" -> NORMALIZE;
            case "note" -> NOTE;
            case "reject" -> REJECT;
            default -> throw new IllegalArgumentException("bad smtpd_forbid_bare_newline value: " + value);
        };
    }

    /** Whether LF.LF (or a "." ended by a bare LF) ends DATA. */
    boolean bareLfEndsData() {
        return this == NO;
    }
}
