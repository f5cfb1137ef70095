package org.postroom.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressTokensTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "alice@example.org|alice@example.org",
        "Alice <alice@example.org>|alice@example.org",
        "\"Smith, Alice\" <alice@example.org>, bob|alice@example.org bob",
        "alice@example.org (Alice, the first), <bob@x>|alice@example.org bob@x",
        "undisclosed-recipients:;|",
        "team: a@x, b@y;, c@z|a@x b@y c@z",
        "Just A Phrase|",
        "<>, <@route:u@x>|",
        "\"quoted local\"@x|\"quoted local\"@x",
        // found by fuzzing: a backslash pair inside quotes or a comment does not end them
        "\"a\\\" b\"@x (c\\) d)|\"a\\\" b\"@x",
        "a\\\"b@x, c|a\\\"b@x c"})
    void finds(String text, String expected) {
        List<String> want = expected == null ? List.of() : List.of(expected.split(" (?=[^\"]*(\"[^\"]*\"[^\"]*)*$)"));
        assertEquals(want, AddressTokens.addresses(text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {" Alice <alice>|7|12", "x, bob (x)|3|6"})
    void spans(String text, int start, int end) {
        AddressTokens.Span s = AddressTokens.find(text).getLast();
        assertEquals(start + " " + end, s.start() + " " + s.end());
    }
}
