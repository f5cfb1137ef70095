package org.postroom.tools.sendmail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AddressListTest {
    record Case(String label, String input, List<String> want) {
        @Override
        public String toString() {
            return label;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("bare user", "alice", List.of("alice")),
                new Case("phrase and angle", "Alice Smith <alice@example.com>", List.of("alice@example.com")),
                new Case("comma list", "a@x, b@y,c", List.of("a@x", "b@y", "c")),
                new Case("quoted comma in phrase", "\"Doe, John\" <j@x>, k@y", List.of("j@x", "k@y")),
                new Case("comment", "j@x (John, Doe)", List.of("j@x")),
                new Case("empty group", "undisclosed-recipients:;", List.of()),
                new Case("group members", "team: a@x, b@y;, c@z", List.of("a@x", "b@y", "c@z")),
                new Case("null address", "<>", List.of("")),
                new Case("source route", "<@relay.example,@r2:u@x>", List.of("u@x")),
                new Case("quoted local part", "\"a b\"@x", List.of("a b@x")),
                new Case("blanks inside", " a @ x . y ", List.of("a@x.y")),
                new Case("nothing", "  ", List.of()),
                new Case("domain literal", "u@[192.0.2.1]", List.of("u@[192.0.2.1]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parses(Case c) {
        assertEquals(c.want(), AddressList.parse(c.input()));
    }
}
