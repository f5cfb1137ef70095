package org.postroom.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** aliases(5) parsing: names, continuations, quoting, comments and value lists. */
class AliasFileTest {

    static Stream<Arguments> files() {
        return Stream.of(
                Arguments.of("postmaster: root\n", Map.of("postmaster", List.of("root"))),
                Arguments.of("Joe: a, b,c\n", Map.of("joe", List.of("a", "b", "c"))),
                Arguments.of("list: a,\n  b,\n\tc\n", Map.of("list", List.of("a", "b", "c"))),
                Arguments.of("# comment\n\nx: y,\n# inside\n  z\n", Map.of("x", List.of("y", "z"))),
                Arguments.of("\"a b\": c\n", Map.of("a b", List.of("c"))),
                Arguments.of("\"x:y\" : z\n", Map.of("x:y", List.of("z"))),
                Arguments.of("p: \"|/usr/bin/foo bar\", /srv/out/file, :include:/etc/list\n",
                        Map.of("p", List.of("|/usr/bin/foo bar", "/srv/out/file", ":include:/etc/list"))),
                Arguments.of("m: /srv/maildir/, \\joe\n", Map.of("m", List.of("/srv/maildir/", "\\joe"))),
                Arguments.of("q: \"|echo a, b\"\n", Map.of("q", List.of("|echo a, b"))),
                Arguments.of("n: Joe Bloggs <joe@example.com>, ann (Ann, the boss)\n",
                        Map.of("n", List.of("joe@example.com", "ann"))),
                Arguments.of("e: \"|echo \\\"x\\\"\"\n", Map.of("e", List.of("|echo \"x\""))),
                Arguments.of("a: one\na: two\n", Map.of("a", List.of("one"))));
    }

    @ParameterizedTest
    @MethodSource("files")
    void parses(String text, Map<String, List<String>> expected) {
        assertEquals(expected, AliasFile.parse(text, w -> { }));
    }

    @Test
    void warnsAboutBadLines() {
        List<String> warnings = new ArrayList<>();
        Map<String, List<String>> m = AliasFile.parse("good: x\nno colon here\n: empty\nempty:\ndup: a\ndup: b\n", warnings::add);
        assertEquals(Map.of("good", List.of("x"), "dup", List.of("a")), m);
        assertEquals(List.of("line 2: need name:value pair", "line 3: need name:value pair",
                "line 4: need name:value pair", "line 6: duplicate entry: \"dup\""), warnings);
    }

    @Test
    void includeFiles() {
        assertEquals(List.of("a", "b", "/x/y", "|cmd arg", "c"),
                AliasFile.parseInclude("# list members\na, b\n/x/y\n\"|cmd arg\"\n  # indented comment\nc\n"));
    }

    static Stream<Arguments> destinations() {
        return Stream.of(
                Arguments.of("joe", new Destination.Forward("joe")),
                Arguments.of("joe@example.com", new Destination.Forward("joe@example.com")),
                Arguments.of("\\Joe", new Destination.Self("joe")),
                Arguments.of("/var/log/mail.mbox", new Destination.ToFile(Path.of("/var/log/mail.mbox"))),
                Arguments.of("/srv/maildir/", new Destination.ToMaildir(Path.of("/srv/maildir"))),
                Arguments.of("|/usr/bin/foo bar", new Destination.ToCommand("/usr/bin/foo bar")),
                Arguments.of(":include:/etc/list", new Destination.Include(Path.of("/etc/list"))),
                Arguments.of(":INCLUDE: /etc/list", new Destination.Include(Path.of("/etc/list"))));
    }

    @ParameterizedTest
    @MethodSource("destinations")
    void classifies(String token, Destination expected) {
        assertEquals(expected, Destination.parse(token));
    }
}
