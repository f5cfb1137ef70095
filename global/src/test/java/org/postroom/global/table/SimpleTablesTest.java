package org.postroom.global.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postroom.global.config.ConfigException;

/** inline, static, fail, unionmap and pipemap specs, key folding, and the text forms of IP addresses. */
class SimpleTablesTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
        "inline:{x=1, {y = z w}} | x | 1",
        "inline:{x=1, {y = z w}} | Y | z w",
        "inline:{a=1,a=2} | a | 2",
        "inline:{a=1,a=2} | b | NONE",
        "static:hello | anything | hello",
        "static:{x y} | k | x y",
        "unionmap:{inline:{a=1}, static:s} | a | 1,s",
        "unionmap:{inline:{a=1}, inline:{b=2}} | c | NONE",
        "pipemap:{inline:{a=b}, inline:{b=c}} | a | c",
        "pipemap:{inline:{a=b}, inline:{x=c}} | a | NONE"})
    void lookups(String spec, String key, String value) throws TableException {
        try (Table t = Tables.open(spec)) {
            assertEquals(Optional.ofNullable(value), t.lookup(key));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "inline:{} | bad syntax: \"inline:{}\"; need \"inline:{name=value...}\"",
        "inline:{a} | missing '=' after attribute name: \"inline:{a}\"; need \"inline:{name=value...}\"",
        "inline:{ {a}=1} | syntax error after '}' in \"{a}=1\": \"inline:{ {a}=1}\"; need \"inline:{name=value...}\"",
        "unionmap:{} | bad syntax: \"unionmap:{}\"; need \"unionmap:{type:name...}\"",
        "foo:bar | unsupported dictionary type: foo"})
    void syntaxErrors(String spec, String message) {
        assertEquals(message, assertThrows(ConfigException.class, () -> Tables.open(spec)).getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "fail:x | table fail:x: query error: Application error",
        "unionmap:{static:a, fail:x} | table unionmap:{static:a, fail:x}: query error: Application error",
        "pipemap:{static:a, fail:x} | table pipemap:{static:a, fail:x}: query error: Application error"})
    void temporaryFailures(String spec, String message) throws TableException {
        try (Table t = Tables.open(spec)) {
            assertEquals(message, assertThrows(TableException.class, () -> t.lookup("k")).getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ABC,abc,abc", "Straße,strasse,straße", "ÄÖÜ,äöü,ÄÖÜ", "İx,i̇x,İx", "ıI,ıi,ıi", "ẞ,ss,ẞ"})
    void folding(String in, String utf8, String ascii) {
        assertEquals(utf8, KeyFold.fold(in, true));
        assertEquals(ascii, KeyFold.fold(in, false));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "NONE", value = {
        "1.2.3.4, 1.2.3.4", "192.168.001.7, NONE", "256.1.1.1, NONE", "1.2.3, NONE", "::, ::", "::1, ::1",
        "::2, ::2", "::1.2.3.4, ::1.2.3.4", "::ffff:0:1.2.3.4, ::ffff:0:102:304", "::ffff:1.2.3.4, ::ffff:1.2.3.4", "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3", "1::, 1::", "1:, NONE", ":1, NONE", "1:2:3:4:5:6:7:8:9, NONE",
        "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304", "fe80::1:2:3:4, fe80::1:2:3:4"})
    void inetText(String in, String out) {
        byte[] a = in.indexOf(':') >= 0 ? InetText.parse6(in) : InetText.parse4(in);
        assertEquals(out, a == null ? null : InetText.format(a));
    }
}
