package org.postroom.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.cleanup.CleanupStatus;

/** canonical(5) and virtual(5) mapping as cleanup applies it (spec 6.8). */
class AddressMappingTest {
    @TempDir
    Path tmp;
    Path log;

    @BeforeEach
    void setUp() {
        log = tmp.resolve("maillog");
        Msg.init("postfix", "cleanup", "mail.example.com", log.toString(), false);
    }

    @AfterEach
    void tearDown() {
        Msg.init("postfix", "cleanup", "mail.example.com", "", false);
    }

    private String maillog() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    static final String ENTRIES = """
            sales@v.example   ann@a.example, bob@b.example
            ann@a.example     ann@a.example, archive
            team@v.example    sales@v.example, carol@c.example
            @catch.example    @other.example
            joe               joe@elsewhere.example
            loop1@v.example   loop2@v.example
            loop2@v.example   loop1@v.example
            ext@v.example     dest@d.example
            """;

    String VIRTUAL;

    @BeforeEach
    void table() throws IOException {
        Path t = tmp.resolve("virtual");
        Files.writeString(t, ENTRIES);
        MappingFixture.settled(t);
        VIRTUAL = "virtual_alias_maps = texthash:" + t + "\n";
    }

    record Case(String label, String in, List<String> out) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> virtualCases() {
        return Stream.of(
                new Case("no entry passes through", "nobody@x.example", List.of("nobody@x.example")),
                new Case("fan out across domains", "sales@v.example", List.of("ann@a.example", "bob@b.example", "archive@mail.example.com")),
                new Case("address kept in its own expansion", "ann@a.example", List.of("ann@a.example", "archive@mail.example.com")),
                new Case("recursive", "team@v.example", List.of("ann@a.example", "carol@c.example", "bob@b.example", "archive@mail.example.com")),
                new Case("catch-all keeps the local part", "who+x@catch.example", List.of("who+x@other.example")),
                new Case("bare user key only for local domains", "joe@mail.example.com", List.of("joe@elsewhere.example")),
                new Case("bare user key not for other domains", "joe@x.example", List.of("joe@x.example")),
                new Case("unmatched extension propagates", "ext+tag@v.example", List.of("dest+tag@d.example")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("virtualCases")
    void virtualAliases(Case c) throws AddressMaps.Failure {
        assertEquals(c.out(), MappingFixture.mapping(VIRTUAL).virtual("ID1", c.in()));
    }

    @Test
    void extensionIsDroppedWithoutPropagation() throws AddressMaps.Failure {
        AddressMapping m = MappingFixture.mapping(VIRTUAL + "propagate_unmatched_extensions = canonical\n");
        assertEquals(List.of("dest@d.example"), m.virtual("ID1", "ext+tag@v.example"));
    }

    @Test
    void loopHitsTheRecursionLimitAndDefers() throws IOException {
        AddressMapping m = MappingFixture.mapping(VIRTUAL + "virtual_alias_recursion_limit = 20\n");
        AddressMaps.Failure f = assertThrows(AddressMaps.Failure.class, () -> m.virtual("ID1", "loop1@v.example"));
        assertEquals(CleanupStatus.STAT_DEFER, f.status);
        assertEquals("4.6.0 Alias expansion error", f.getMessage());
        assertTrue(maillog().contains("warning: ID1: unreasonable virtual_alias_maps map nesting for loop1@v.example"
                + " -- message not accepted, try again later"), maillog());
    }

    @Test
    void expansionLimit() throws IOException {
        AddressMapping m = MappingFixture.mapping(VIRTUAL + "virtual_alias_expansion_limit = 2\n");
        AddressMaps.Failure f = assertThrows(AddressMaps.Failure.class, () -> m.virtual("ID1", "team@v.example"));
        assertEquals(CleanupStatus.STAT_DEFER, f.status);
        assertTrue(maillog().contains("warning: ID1: unreasonable virtual_alias_maps map expansion size for team@v.example"), maillog());
    }

    @Test
    void tableFailureIsATemporaryWriteError() throws IOException {
        AddressMapping m = MappingFixture.mapping("virtual_alias_maps = fail:down\n");
        AddressMaps.Failure f = assertThrows(AddressMaps.Failure.class, () -> m.virtual("ID1", "u@x.example"));
        assertEquals(CleanupStatus.STAT_WRITE, f.status);
        assertTrue(maillog().contains("warning: ID1: virtual_alias_maps map lookup problem for u@x.example"
                + " -- message not accepted, try again later"), maillog());
    }

    @Test
    void missingTableFailsThenWorksWhenItAppears() throws Exception {
        Path t = tmp.resolve("later");
        AddressMapping m = MappingFixture.mapping("virtual_alias_maps = texthash:" + t + "\n");
        assertThrows(AddressMaps.Failure.class, () -> m.virtual("ID1", "u@x.example"));
        Files.writeString(t, "u@x.example  w@y.example\n");
        MappingFixture.settled(t);
        assertEquals(List.of("w@y.example"), m.virtual("ID2", "u@x.example"));
    }

    static final String CANON = """
            sender_canonical_maps = inline:{ alice@mail.example.com=Alice.Smith@example.com }
            recipient_canonical_maps = inline:{ old@example.com=new@example.com }
            canonical_maps = inline:{ new@example.com=newest@example.com, bob=robert@example.com, \
            chain1@example.com=chain2@example.com, chain2@example.com=chain3@example.com, \
            a@example.com=b@example.com, b@example.com=a@example.com }
            """;

    @Test
    void canonicalOrderAndClasses() throws AddressMaps.Failure {
        AddressMapping m = MappingFixture.mapping(CANON);
        assertEquals("Alice.Smith@example.com", m.canonical("ID", AddressMapping.Kind.ENVELOPE_SENDER, "alice@mail.example.com"));
        assertEquals("alice@mail.example.com", m.canonical("ID", AddressMapping.Kind.ENVELOPE_RECIPIENT, "alice@mail.example.com"));
        assertEquals("newest@example.com", m.canonical("ID", AddressMapping.Kind.ENVELOPE_RECIPIENT, "old@example.com"));
        assertEquals("robert+x@example.com", m.canonical("ID", AddressMapping.Kind.HEADER_RECIPIENT, "bob+x@mail.example.com"));
        assertEquals("chain3@example.com", m.canonical("ID", AddressMapping.Kind.ENVELOPE_SENDER, "chain1@example.com"));
        assertEquals("", m.canonical("ID", AddressMapping.Kind.ENVELOPE_SENDER, ""));
        AddressMapping envelopeOnly = MappingFixture.mapping(CANON + "sender_canonical_classes = envelope_sender\n");
        assertEquals("alice@mail.example.com", envelopeOnly.canonical("ID", AddressMapping.Kind.HEADER_SENDER, "alice@mail.example.com"));
    }

    @Test
    void canonicalLoopIsATemporaryError() throws IOException {
        AddressMapping m = MappingFixture.mapping(CANON);
        AddressMaps.Failure f = assertThrows(AddressMaps.Failure.class,
                () -> m.canonical("ID9", AddressMapping.Kind.ENVELOPE_SENDER, "a@example.com"));
        assertEquals(CleanupStatus.STAT_WRITE, f.status);
        assertTrue(maillog().contains("warning: ID9: unreasonable canonical_maps map nesting for"), maillog());
    }
}
