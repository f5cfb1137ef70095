package org.postroom.global.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.Param;

/** string_list semantics: literals without case, tables, /file, negation, first match decides. */
class StringListTest {
    private static StringList list(String value) {
        return new StringList("authorized_mailq_users", Param.splitList(value));
    }

    @Test
    void literalsIgnoreCaseAndFirstMatchDecides() throws Exception {
        StringList l = list("Root, alice !bob bob");
        assertTrue(l.matches("root"));
        assertTrue(l.matches("ALICE"));
        assertFalse(l.matches("bob"), "the negation comes first");
        assertFalse(l.matches("carol"));
        assertFalse(list("").matches("root"), "an empty list admits nobody");
    }

    @Test
    void tablesMatchWhenTheyHaveAnyValue() throws Exception {
        assertTrue(list("static:anyone").matches("whoever"));
        assertTrue(list("static:root").matches("whoever"), "static: answers every key; its value is not a user name");
        StringList l = list("!nobody, inline:{ alice=x, bob=y }");
        assertTrue(l.matches("Bob"));
        assertFalse(l.matches("nobody"));
        assertFalse(l.matches("carol"));
        assertTrue(list("!nobody, static:anyone").matches("daemon"));
        assertFalse(list("!nobody, static:anyone").matches("nobody"));
    }

    @Test
    void filesHoldMoreItems(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("users");
        Files.writeString(f, "# admins\nalice, bob\n\n!carol\n");
        StringList l = list(f + " carol");
        assertTrue(l.matches("bob"));
        assertFalse(l.matches("carol"), "the file's !carol comes before the literal");
        ConfigException e = assertThrows(ConfigException.class, () -> list(dir.resolve("missing").toString()));
        assertTrue(e.getMessage().startsWith("authorized_mailq_users: open file "), e.getMessage());
        assertEquals(List.of(), MatchList.parse("x", List.of("!", "")));
    }
}
