package org.postroom.tools.postconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.tools.common.Fatal;

/**
 * postconf -b and -t against Debian's Postfix 3.7.11: the .ref files are what "postconf -c DIR -b|-t
 * [other.cf]" printed with this main.cf (bounce_template_file = bounce.cf), byte for byte.
 */
class TemplatesTest {
    static final Path DIR = Path.of("src/test/resources/org/postroom/tools/postconf/TemplatesTest");

    /** The configuration directory, with bounce_template_file made absolute (Postfix took it relative to the shell). */
    private static Path config(Path tmp) throws IOException {
        String main = Files.readString(DIR.resolve("main.cf"));
        Files.writeString(tmp.resolve("main.cf"), main.replace("= bounce.cf", "= " + DIR.resolve("bounce.cf").toAbsolutePath()));
        return tmp;
    }

    @Test
    void expandsTheConfiguredFile(@TempDir Path tmp) throws IOException {
        assertEquals(Files.readString(DIR.resolve("b.ref")), Postconf.templates(config(tmp), false, List.of()));
    }

    @Test
    void dumpsTheConfiguredFile(@TempDir Path tmp) throws IOException {
        assertEquals(Files.readString(DIR.resolve("t.ref")), Postconf.templates(config(tmp), true, List.of()));
    }

    @Test
    void aFileArgumentReplacesTheConfiguredOne(@TempDir Path tmp) throws IOException {
        String other = DIR.resolve("other.cf").toAbsolutePath().toString();
        assertEquals(Files.readString(DIR.resolve("b-other.ref")), Postconf.templates(config(tmp), false, List.of(other)));
        assertEquals(Files.readString(DIR.resolve("t-other.ref")), Postconf.templates(config(tmp), true, List.of(other)));
    }

    @Test
    void atMostOneFile(@TempDir Path tmp) {
        Fatal f = assertThrows(Fatal.class, () -> Postconf.templates(tmp, true, List.of("a", "b")));
        assertEquals("options -b and -t require at most one template file", f.getMessage());
    }

    @Test
    void otherOptionsAreRefused() {
        Fatal f = assertThrows(Fatal.class, () -> Mode.check(Mode.EXP_DSN_TEMPL | Mode.SHOW_NONDEF));
        assertEquals("with option -b, do not specify -n", f.getMessage());
    }
}
