package org.postroom.smtpd;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The arguments of MAIL FROM and RCPT TO (smtpd_token.c, extract_addr): {@code FROM:<address> PARAM...}
 * with or without a space after the colon and with or without the angle brackets, as Postfix is lenient.
 * The address is returned in internal form: brackets, source route ({@code @a,@b:}) and quotes removed.
 * A control character makes the address bad even when it is quoted or backslash-escaped.
 */
record EnvelopeArgs(String address, List<String> params) {
    EnvelopeArgs {
        params = List.copyOf(params);
    }

    /** Parses {@code args} (the text after the verb) that must start with {@code keyword} ("FROM:", "TO:"). */
    static Parsed<EnvelopeArgs> parse(String args, String keyword, String syntaxReply, String badAddressReply) {
        String s = args.stripLeading();
        if (!s.regionMatches(true, 0, keyword, 0, keyword.length())) return Parsed.bad(syntaxReply);
        s = s.substring(keyword.length()).stripLeading();
        if (s.isEmpty()) return Parsed.bad(syntaxReply);
        int end;
        if (s.charAt(0) == '<') {
            end = closingBracket(s);
            if (end < 0) return Parsed.bad(badAddressReply);
            end++;
        } else {
            end = 0;
            while (end < s.length() && !Character.isWhitespace(s.charAt(end))) end++;
        }
        Optional<String> address = address(s.substring(0, end));
        if (address.isEmpty()) return Parsed.bad(badAddressReply);
        String rest = s.substring(end).strip();
        List<String> params = rest.isEmpty() ? List.of() : Arrays.asList(rest.split("\\s+"));
        return Parsed.ok(new EnvelopeArgs(address.get(), params));
    }

    /** The index of the '>' that closes s[0] == '<', honouring quotes and backslashes; -1 if none. */
    private static int closingBracket(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    /** One address token, {@code <...>} or bare, in internal form; empty when the syntax is bad. */
    static Optional<String> address(String token) {
        String a = token;
        if (a.startsWith("<")) {
            if (!a.endsWith(">") || a.length() < 2) return Optional.empty();
            a = a.substring(1, a.length() - 1);
        }
        if (a.startsWith("@")) {
            int colon = a.indexOf(':');
            if (colon < 0) return Optional.empty();
            a = a.substring(colon + 1);
        }
        StringBuilder out = new StringBuilder(a.length());
        boolean quoted = false;
        boolean literal = false;
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (isControl(c)) return Optional.empty();
            if (c == '\\') {
                if (++i >= a.length() || isControl(a.charAt(i))) return Optional.empty();
                out.append(a.charAt(i));
            } else if (c == '"' && !literal) {
                quoted = !quoted;
            } else if (quoted) {
                out.append(c);
            } else if (c == '[') {
                if (literal) return Optional.empty();
                literal = true;
                out.append(c);
            } else if (c == ']') {
                if (!literal) return Optional.empty();
                literal = false;
                out.append(c);
            } else if (Character.isWhitespace(c) || "<>(),;".indexOf(c) >= 0 || (c == ':' && !literal)) {
                return Optional.empty();
            } else {
                out.append(c);
            }
        }
        if (quoted || literal) return Optional.empty();
        return Optional.of(out.toString());
    }

    /** A control character: never part of an address, quoted or not (it would reach records and logs). */
    static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f;
    }

    /** Whether any character is outside ASCII (an SMTPUTF8 address). */
    static boolean isUtf8(String address) {
        return address.chars().anyMatch(c -> c >= 0x80);
    }

    /** RFC 3461 xtext decoding; empty when the syntax is bad. */
    static Optional<String> xtext(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) return Optional.empty();
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (c < 33 || c > 126 || c == '=') {
                return Optional.empty();
            } else {
                out.append(c);
            }
        }
        return Optional.of(out.toString());
    }

    private static boolean isHex(char c) {
        return "0123456789ABCDEFabcdef".indexOf(c) >= 0;
    }
}
