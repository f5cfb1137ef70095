package org.postroom.global.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MainCfTest {
    static final Path FILE = Path.of("/etc/postroom/main.cf");

    static MainCf parse(String text) {
        return MainCf.parse(FILE, text, Map.of(), w -> {});
    }

    record Case(String label, String mainCf, String name, String expected) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("plain", "a = b", "a", "b"),
                new Case("whitespace around = and at end", "a   =   b c   ", "a", "b c"),
                new Case("no trailing comments", "a = bar # x", "a", "bar # x"),
                new Case("continuation with blank and comment lines between",
                        "mydestination = one,\n   two,\n\n# c\n   three", "mydestination", "one, two, three"),
                new Case("last definition wins", "a = 1\na = 2", "a", "2"),
                new Case("$name", "a = x\nb = $a-y", "b", "x-y"),
                new Case("${name} and $(name)", "a = x\nb = ${a}y$(a)", "b", "xyx"),
                new Case("lazy: defined further down", "b = $a\na = later", "b", "later"),
                new Case("undefined expands to empty", "b = [$nosuch]", "b", "[]"),
                new Case("${name?value}", "a = x\nb = ${a?yes}", "b", "yes"),
                new Case("${name?value} empty", "b = ${a?yes}", "b", ""),
                new Case("${name:value}", "b = ${a:dflt}", "b", "dflt"),
                new Case("${name:value} set", "a = x\nb = ${a:dflt}", "b", ""),
                new Case("${name?{v1}:{v2}} true", "a = x\nb = ${a?{one}:{two}}", "b", "one"),
                new Case("${name?{v1}:{v2}} false", "b = ${a?{one}:{two}}", "b", "two"),
                new Case("$$ is a dollar", "b = cost $$5", "b", "cost $5"),
                new Case("recursive", "a = $b\nb = $c\nc = deep", "a", "deep"),
                new Case("numeric comparison", "b = ${{10} > {9} ? {big} : {small}}", "b", "big"),
                new Case("level comparison 3.6 < 3.11", "b = ${{3.6} <level {3.11} ? {older} : {newer}}", "b", "older"),
                new Case("default smtpd_banner", "myhostname = mail.example.com", "smtpd_banner", "mail.example.com ESMTP Postfix"),
                new Case("compat-dependent default (3.6)", "compatibility_level = 3.6", "smtpd_relay_restrictions",
                        "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination"),
                new Case("compat-dependent default (0)", "", "smtpd_relay_restrictions", ""),
                new Case("stress-dependent default", "", "smtpd_timeout", "300s"),
                new Case("mailbox_command is never expanded", "mailbox_command = /bin/x $HOME", "mailbox_command", "/bin/x $HOME"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void expands(Case c) {
        assertEquals(c.expected(), parse(c.mainCf()).get(c.name()));
    }

    @Test
    void overridesWin() {
        MainCf cfg = parse("smtpd_banner = file").withOverrides(Map.of("smtpd_banner", "override $mail_name"));
        assertEquals("override Postfix", cfg.get(Params.SMTPD_BANNER));
    }

    @Test
    void badValueNamesFileLineAndParameter() {
        MainCf cfg = parse("# comment\nsmtpd_timeout = forever\n");
        ConfigException e = assertThrows(ConfigException.class, () -> cfg.get(Params.SMTPD_TIMEOUT));
        assertEquals("/etc/postroom/main.cf:2: smtpd_timeout: bad time value: \"forever\"", e.getMessage());
    }

    @Test
    void missingEqualsIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("a = 1\njunk line\n"));
        assertTrue(e.getMessage().startsWith("/etc/postroom/main.cf:2: missing '='"), e.getMessage());
    }

    @Test
    void leadingWhitespaceWithoutLogicalLineWarns() {
        List<String> warnings = new ArrayList<>();
        MainCf.parse(FILE, "  a = 1\nb = 2\n", Map.of(), warnings::add);
        assertEquals(List.of("/etc/postroom/main.cf: line 1: logical line must not start with whitespace"), warnings);
    }

    @Test
    void typedValues() {
        MainCf cfg = parse("message_size_limit = 1234\nsmtpd_helo_required = yes\nmaximal_queue_lifetime = 2\nmydestination = a, b c");
        assertEquals(1234L, cfg.get(Params.MESSAGE_SIZE_LIMIT));
        assertEquals(true, cfg.get(Params.SMTPD_HELO_REQUIRED));
        assertEquals(2 * 86400, cfg.get(Params.MAXIMAL_QUEUE_LIFETIME).toSeconds());
        assertEquals(List.of("a", "b", "c"), cfg.get(Params.MYDESTINATION));
    }

    @Test
    void listsKeepBracedElementsWhole() {
        assertEquals(List.of("inline:{ a=b, c=d }", "hash:/etc/x", "{ text with spaces }"),
                Param.splitList("inline:{ a=b, c=d }, hash:/etc/x\n { text with spaces }"));
        assertEquals(List.of("a", "b\fc", "{d e}"), Param.splitList("a,\tb\fc\r\n{d e}", true));
        assertEquals(List.of("a", "b", "c", "{d e}"), Param.splitList("a,\tb\fc\r\n{d e}", false));
    }

    @Test
    void everyDeclaredDefaultParses() {
        MainCf cfg = parse("compatibility_level = 3.6");
        cfg.validate(new ArrayList<Param<?>>(Params.all().values()));
    }
}
