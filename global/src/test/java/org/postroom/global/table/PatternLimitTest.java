package org.postroom.global.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pattern that backtracks without end is stopped after {@link PatternTable#MATCH_LIMIT} characters read:
 * a warning and no match, as PCRE's match limit gives in dict_pcre.c, and the next rule is tried.
 */
class PatternLimitTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"pcre", "regexp"})
    void runawayMatchIsNoMatch(String type) throws IOException {
        Path f = tmp.resolve("t." + type);
        Files.writeString(f, "/^(.*a){12}$/ runaway\nif /^(.*a){12}$/\n/./ inside\nendif\n/!$/ next rule\n");
        List<String> warnings = new ArrayList<>();
        TableOptions opt = TableOptions.DEFAULT.withWarn(warnings::add);
        Table t = type.equals("pcre") ? PcreTable.open(f.toString(), opt) : RegexpTable.open(f.toString(), opt);
        String key = "a".repeat(60) + "!";
        assertEquals(Optional.of("next rule"), assertTimeoutPreemptively(Duration.ofSeconds(20), () -> t.lookup(key)));
        assertEquals(List.of(type + " map " + f + ", line 1: match limit exceeded", type + " map " + f + ", line 2: match limit exceeded"),
                warnings);
    }

    /**
     * Found by fuzzing: counts past the range of a long threw NumberFormatException out of the table open.
     * The warnings are Postfix 3.7's (postmap -q with pcre2 and glibc) for the same file.
     */
    @ParameterizedTest
    @ValueSource(strings = {"pcre", "regexp"})
    void hugeRepeatCountsAreCompileErrors(String type) throws IOException {
        Path f = tmp.resolve("c." + type);
        String huge = "9".repeat(40);
        Files.writeString(f, "/^x{" + huge + "}$/ a\n/^x{2," + huge + "}$/ b\n/^x{" + huge + ",2}$/ c\n/^x{3}$/ d\n");
        List<String> warnings = new ArrayList<>();
        TableOptions opt = TableOptions.DEFAULT.withWarn(warnings::add);
        Table t = type.equals("pcre") ? PcreTable.open(f.toString(), opt) : RegexpTable.open(f.toString(), opt);
        assertEquals(Optional.of("d"), t.lookup("xxx"));
        String where = type + " map " + f + ", line ";
        assertEquals(type.equals("pcre")
                ? List.of(where + "1: error in regex at offset 8: number too big in {} quantifier",
                        where + "2: error in regex at offset 10: number too big in {} quantifier",
                        where + "3: error in regex at offset 8: number too big in {} quantifier")
                : List.of(where + "1: Regular expression too big", where + "2: Regular expression too big",
                        where + "3: Invalid content of \\{\\}"), warnings);
    }
}
