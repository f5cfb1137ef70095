package org.postroom.bounce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** line_wrap(str, 79, 4): where Postfix breaks report lines ('|' separates the output lines). */
class LineWrapTest {
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '#', quoteCharacter = '\'', value = {
        "''#''",
        "'short line'#'short line'",
        "'trailing blanks   '#'trailing blanks'",
        // exactly 79 bytes stays; 80 breaks before the last word
        "'" + "a123456789b123456789c123456789d123456789e123456789f123456789g123456789 12345678" + "'#"
                + "'a123456789b123456789c123456789d123456789e123456789f123456789g123456789 12345678'",
        "'" + "a123456789b123456789c123456789d123456789e123456789f123456789g123456789 123456789" + "'#"
                + "'a123456789b123456789c123456789d123456789e123456789f123456789g123456789|    123456789'",
        // a trailing blank at the break leaves an empty continuation line, as in Postfix
        "'w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w '#'w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w|    '",
        "'<x@nowhere.invalid>: Host or domain name not found. Name service error for name=nowhere.invalid type=A: Host not found'#"
                + "'<x@nowhere.invalid>: Host or domain name not found. Name service error for|    name=nowhere.invalid type=A: Host not found'",
    })
    void wraps(String in, String out) throws IOException {
        List<String> l = new ArrayList<>();
        LineWrap.wrap(in, (b, off, len) -> l.add(new String(b, off, len, StandardCharsets.UTF_8)));
        assertEquals(out, String.join("|", l));
    }

    @org.junit.jupiter.api.Test
    void utf8CountsBytes() throws IOException {
        String in = "\u00e9".repeat(39) + " x";
        List<String> l = new ArrayList<>();
        LineWrap.wrap(in, (b, off, len) -> l.add(new String(b, off, len, StandardCharsets.UTF_8)));
        assertEquals(List.of("\u00e9".repeat(39), "    x"), l);
    }
}
