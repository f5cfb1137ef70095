package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvelopeArgsTest {
    /** Result: "address~params" or the reply code and text. */
    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            FROM:<a@example.org>                   | a@example.org~[]
            from: <a@example.org>                  | a@example.org~[]
            FROM:a@example.org                     | a@example.org~[]
            FROM:<>                                | ~[]
            FROM:<> SIZE=10 BODY=8BITMIME          | ~[SIZE=10, BODY=8BITMIME]
            FROM:<@a.example,@b.example:u@c.example> | u@c.example~[]
            FROM:<"john doe"@example.com>          | john doe@example.com~[]
            FROM:<a\\>b@example.com>               | a>b@example.com~[]
            FROM:<u@[192.0.2.1]>                   | u@[192.0.2.1]~[]
            FROM:<u@[IPv6:2001:db8::1]>            | u@[IPv6:2001:db8::1]~[]
            FROM <a@example.org>                   | 501 5.5.4 Syntax: MAIL FROM:<address>
            FROM:                                  | 501 5.5.4 Syntax: MAIL FROM:<address>
            FROM:<a@example.org                    | 501 5.1.7 Bad sender address syntax
            FROM:<a b@example.org>                 | 501 5.1.7 Bad sender address syntax
            FROM:<a@b.example> <c@d.example>       | a@b.example~[<c@d.example>]
            FROM:<a,b@example.org>                 | 501 5.1.7 Bad sender address syntax
            FROM:<"unterminated@example.org>       | 501 5.1.7 Bad sender address syntax
            FROM:<@route.example>                  | 501 5.1.7 Bad sender address syntax
            FROM:a<b@example.org                   | 501 5.1.7 Bad sender address syntax
            """)
    void parsesMailFrom(String args, String expected) {
        String got = switch (EnvelopeArgs.parse(args, "FROM:", "501 5.5.4 Syntax: MAIL FROM:<address>", "501 5.1.7 Bad sender address syntax")) {
            case Parsed.Ok<EnvelopeArgs>(EnvelopeArgs a) -> a.address() + "~" + a.params();
            case Parsed.Bad<EnvelopeArgs>(SmtpReply r) -> r.toString();
        };
        assertEquals(expected.strip(), got);
    }

    /** A quoted or escaped control character is no more an address character than a bare one (found by fuzzing). */
    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            FROM:<a\\\u0000b@example.org>
            FROM:<"a\\\rb"@example.org>
            FROM:<"a\u0001b"@example.org>
            """)
    void refusesEscapedControlCharacters(String args) {
        assertEquals(Parsed.bad("501 5.1.7 Bad sender address syntax"), EnvelopeArgs.parse(args, "FROM:", "501 syntax",
                "501 5.1.7 Bad sender address syntax"));
    }

    /** Postfix: ENVID must be printable after xtext decoding; ORCPT is held to the same rule here. */
    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            ENVID=a+00b         | 501 5.5.4 Bad ENVID parameter syntax
            ENVID=a+0D+0Ab      | 501 5.5.4 Bad ENVID parameter syntax
            ORCPT=rfc822;a+00@b | 501 5.5.4 Error: Bad ORCPT parameter syntax
            ORCPT=rfc822;a+0A@b | 501 5.5.4 Error: Bad ORCPT parameter syntax
            """)
    void refusesControlCharactersInDsnParameters(String param, String reply) {
        Parsed<?> p = param.startsWith("ENVID") ? EsmtpParams.mail(java.util.List.of(param), true) : EsmtpParams.rcpt(java.util.List.of(param));
        assertEquals(Parsed.bad(reply), p);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            abc          | abc
            a+2Bb        | a+b
            a+3d         | a=
            a+2          | BAD
            a=b          | BAD
            'a b'        | BAD
            """)
    void decodesXtext(String in, String out) {
        assertEquals(out, EnvelopeArgs.xtext(in).orElse("BAD"));
    }
}
