package org.postroom.global.bounce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;

/**
 * The bounce templates against Debian's Postfix 3.7.11: each case directory holds a main.cf, maybe a
 * templates.cf, and what "postconf -c DIR -t [templates.cf]" (dump.ref) and "postconf -c DIR -b
 * [templates.cf]" (expand.ref) printed there, byte for byte; expand.postfix-stderr is Postfix's warnings,
 * warnings.ref ours (the same messages, with the line where a template starts).
 */
class BounceTemplatesTest {
    static final Path DIR = Path.of("src/test/resources/org/postroom/global/bounce/BounceTemplatesTest");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    record Run(MainCf cfg, BounceTemplates templates, List<String> warnings) {}

    static Run load(String name) throws IOException {
        Path dir = DIR.resolve(name);
        MainCf cfg = MainCf.parse(dir.resolve("main.cf"), Files.readString(dir.resolve("main.cf")), Map.of(), w -> {});
        List<String> warnings = new ArrayList<>();
        Path t = dir.resolve("templates.cf");
        BounceTemplates bt = Files.exists(t) ? BounceTemplates.parse(name + "/templates.cf", Files.readString(t), warnings::add)
                : BounceTemplates.defaults();
        return new Run(cfg, bt, warnings);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void dumpIsPostconfT(String name) throws IOException {
        Run r = load(name);
        String dump = r.templates().dump(r.cfg().get(Params.HEADER_FROM_FORMAT).equals("obsolete"));
        assertEquals(Files.readString(DIR.resolve(name).resolve("dump.ref")), dump);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void expandIsPostconfB(String name) throws IOException {
        Run r = load(name);
        String text = r.templates().expand(TemplateContext.of(r.cfg(), r.warnings()::add));
        assertEquals(Files.readString(DIR.resolve(name).resolve("expand.ref")), text);
        Path w = DIR.resolve(name).resolve("warnings.ref");
        String warnings = r.warnings().isEmpty() ? "" : String.join("\n", r.warnings()) + "\n";
        if (Boolean.getBoolean("golden.update")) Files.writeString(w, warnings);
        assertEquals(Files.exists(w) ? Files.readString(w) : "", warnings);
    }

    @Test
    void dumpReadsBack() {
        BounceTemplates d = BounceTemplates.defaults();
        List<String> warnings = new ArrayList<>();
        assertEquals(d.dump(false), BounceTemplates.parse("dump", d.dump(false), warnings::add).dump(false));
        assertEquals(List.of(), warnings);
    }

    record Bad(String label, String file, String message) {}

    static Stream<Bad> broken() {
        return Stream.of(
                new Bad("no equals", "# c\n\nfailure_template <<EOF\n", "t.cf:3: missing '=' after attribute name: \"failure_template <<EOF\""),
                new Bad("no name", "  = <<EOF\nx\nEOF\n", "t.cf:1: missing attribute name: \"  = <<EOF\""),
                new Bad("no end marker", "failure_template = <<\n", "t.cf:1: missing end marker after <<"),
                new Bad("quoted end marker", "failure_template = <<'EOF'\nx\nEOF\n", "t.cf:1: malformed end marker after <<"),
                new Bad("stray text", "failure_template = <<EOF\nSubject: s\n\nt\nEOF\nstray text\n",
                        "t.cf:6: missing '=' after attribute name: \"stray text\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void brokenFileNamesFileAndLine(Bad b) {
        ConfigException e = assertThrows(ConfigException.class, () -> BounceTemplates.parse("t.cf", b.file(), w -> {}));
        assertEquals(b.message(), e.getMessage());
    }

    @Test
    void undefinedNameIsFatalWhenExpanded() {
        BounceTemplates t = BounceTemplates.parse("t2.cf", "failure_template = <<EOF\nSubject: x\n\nhello $nosuchparam there\nEOF\n", w -> {});
        MainCf cfg = MainCf.parse(Path.of("main.cf"), "", Map.of(), w -> {});
        ConfigException e = assertThrows(ConfigException.class, () -> t.expand(TemplateContext.of(cfg, w -> {})));
        assertEquals("t2.cf: undefined $name in failure template: hello $nosuchparam there", e.getMessage());
        BounceTemplates s = BounceTemplates.parse("t3.cf", "delay_template = <<EOF\nx ${mydomain\nEOF\n", w -> {});
        e = assertThrows(ConfigException.class, () -> s.expand(TemplateContext.of(cfg, w -> {})));
        assertEquals("t3.cf: bad $name syntax in delay template: x ${mydomain", e.getMessage());
        BounceTemplates u = BounceTemplates.parse("t4.cf", "delay_template = <<EOF\n$delay_warning_time_fortnights\nEOF\n", w -> {});
        e = assertThrows(ConfigException.class, () -> u.expand(TemplateContext.of(cfg, w -> {})));
        assertEquals("t4.cf: unrecognized suffix \"fortnights\" in parameter \"delay_warning_time_fortnights\"", e.getMessage());
    }

    @Test
    void missingClosingMarkerWarnsAndKeepsTheText() {
        List<String> warnings = new ArrayList<>();
        BounceTemplates t = BounceTemplates.parse("t.cf", "verify_template = <<END\nSubject: s\n\nlast words\n", warnings::add);
        assertEquals(List.of("t.cf:1: missing \"END\" end marker"), warnings);
        assertEquals(List.of("last words"), t.verify().text());
        assertEquals("s", t.verify().subject());
    }

    @Test
    void eightBitTextNeedsACharset() {
        List<String> warnings = new ArrayList<>();
        BounceTemplates t = BounceTemplates.parse("t.cf", "failure_template = <<EOF\nSubject: x\n\nd\u00e9j\u00e0\nEOF\n", warnings::add);
        assertEquals(BounceTemplates.defaults().failure(), t.failure());
        assertEquals(List.of("t.cf: 8-bit message text in failure template", "please specify a charset value other than us-ascii",
                "-- ignoring this template for now"), warnings);
        BounceTemplates u = BounceTemplates.parse("t.cf", "failure_template = <<EOF\nCharset: iso-8859-15\n\nd\u00e9j\u00e0\nEOF\n", w -> {});
        assertTrue(u.failure().eightBit());
        assertEquals("8bit", u.failure().encoding());
        assertEquals("iso-8859-15", u.failure().charset());
    }

    @Test
    void missingFileIsAConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> BounceTemplates.load(Path.of("/nonexistent"), w -> {}));
        assertEquals("open /nonexistent: No such file or directory", e.getMessage());
    }

    @Test
    void templateFileFromMainCf(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("bounce.cf");
        Files.writeString(f, "success_template = <<EOF\nSubject: Done\n\nok\nEOF\n", StandardCharsets.UTF_8);
        MainCf cfg = MainCf.parse(tmp.resolve("main.cf"), "bounce_template_file = " + f + "\n", Map.of(), w -> {});
        BounceTemplates t = BounceTemplates.load(cfg, w -> {});
        assertEquals("Done", t.success().subject());
        assertEquals(f.toString(), t.success().origin());
        assertEquals(BounceTemplates.defaults().failure(), t.failure());
    }
}
