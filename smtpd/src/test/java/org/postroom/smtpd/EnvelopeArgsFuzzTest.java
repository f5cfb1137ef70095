package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;

/**
 * Fuzzes the MAIL FROM / RCPT TO argument parser ({@link EnvelopeArgs}, xtext and {@link EsmtpParams}).
 * The input is one command argument line (the text after "MAIL" or "RCPT"), then one arbitrary string.
 *
 * <p>Invariants: no exception escapes any parser; a parsed address and every decoded ENVID or ORCPT
 * holds no control character that would break a queue-file record or the attribute protocol (CR, LF,
 * NUL); an address survives quoting: {@code FROM:<quoted>} parses back to the same address, for every
 * parsed address and for every arbitrary string without control characters; xtext encoding round-trips.
 */
class EnvelopeArgsFuzzTest {
    @FuzzTest(maxDuration = "15m")
    void arguments(FuzzedDataProvider data) {
        boolean mail = data.consumeBoolean();
        String line = data.consumeString(600);
        String other = data.consumeRemainingAsString();
        String keyword = mail ? "FROM:" : "TO:";

        Parsed<EnvelopeArgs> p = EnvelopeArgs.parse(line, keyword, "501 syntax", "501 bad address");
        if (p instanceof Parsed.Ok<EnvelopeArgs>(EnvelopeArgs args)) {
            noControls("address", args.address());
            assertEquals(args.address(), reparse(args.address()), "quoted address does not parse back: " + line);
            if (mail) {
                if (EsmtpParams.mail(args.params(), true) instanceof Parsed.Ok<EsmtpParams.Mail>(EsmtpParams.Mail m)) {
                    noControls("ENVID", m.envid());
                }
            } else if (EsmtpParams.rcpt(args.params()) instanceof Parsed.Ok<EsmtpParams.Rcpt>(EsmtpParams.Rcpt r)) {
                noControls("ORCPT", r.orcpt());
            }
        }

        if (other.chars().noneMatch(c -> c < 0x20 || c == 0x7f)) {
            assertEquals(other, reparse(other), "quoted string does not parse back");
        }
        Optional<String> x = EnvelopeArgs.xtext(other);
        if (other.chars().allMatch(c -> c <= 0xff)) {
            assertEquals(Optional.of(other), EnvelopeArgs.xtext(xtext(other)), "xtext does not round-trip");
        }
        x.ifPresent(v -> assertTrue(v.length() <= other.length()));
    }

    private static void noControls(String what, String s) {
        assertTrue(s.indexOf('\r') < 0 && s.indexOf('\n') < 0 && s.indexOf('\0') < 0, what + " with CR, LF or NUL: " + s);
    }

    /** The address as {@code FROM:<...>} with every special character backslash-quoted, parsed again. */
    private static String reparse(String address) {
        StringBuilder b = new StringBuilder("FROM:<");
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if ("\\\"<>()[],;:@ ".indexOf(c) >= 0 || Character.isWhitespace(c)) b.append('\\');
            b.append(c);
        }
        Parsed<EnvelopeArgs> p = EnvelopeArgs.parse(b.append('>').toString(), "FROM:", "syntax", "bad");
        return p instanceof Parsed.Ok<EnvelopeArgs>(EnvelopeArgs a) ? a.address() : "(rejected: " + b + ")";
    }

    /** RFC 3461 xtext encoding of characters up to 0xff. */
    private static String xtext(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c >= 33 && c <= 126 && c != '+' && c != '=') b.append(c);
            else b.append('+').append(String.format("%02X", (int) c));
        }
        return b.toString();
    }
}
