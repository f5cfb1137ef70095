package org.postroom.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.global.config.MainCf;
import org.postroom.global.proto.rewrite.ResolveReply;

/** Table-valued domain lists, transport_maps and lookup failures in the resolve request. */
class ResolveTablesTest {
    @TempDir
    static Path dir;
    static MainCf cfg;

    @BeforeAll
    static void setUp() throws IOException {
        Path vmailbox = dir.resolve("vmailbox");
        Files.writeString(vmailbox, "# virtual mailboxes\nann@vmail.example  vmail.example/ann/\nvmail.example  x\n");
        Path valias = dir.resolve("valias");
        Files.writeString(valias, "valias.example  x\nsales@valias.example  ann@vmail.example\n");
        Path domains = dir.resolve("domains");
        Files.writeString(domains, "# more local names\nmail2.example.com, mail3.example.com\n");
        for (Path p : new Path[] {vmailbox, valias}) settled(p);
        cfg = MainCf.parse(dir.resolve("main.cf"), """
                compatibility_level = 3.6
                myhostname = mail.example.com
                mydomain = example.com
                recipient_delimiter = +
                mydestination = $myhostname, localhost, %1$s, inline:{ tabled.example.com=yes }, !bad.example.com, .sub.example.com
                relay_domains = relay.example
                virtual_mailbox_maps = texthash:%2$s
                virtual_alias_maps = texthash:%3$s
                transport_maps = inline:{ special@relay.example=smtp:[10.0.0.1]:2525, joe+x@relay.example=discard:, .deep.example=smtp:[10.0.0.2] }, inline:{ relay.example=relay:, vmail.example=:vhop }
                """.formatted(domains, vmailbox, valias), Map.of(), w -> {});
    }

    static void settled(Path p) throws IOException {
        Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));
    }

    record Res(String label, String address, String transport, String nexthop, int klass) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Res> cases() {
        int l = ResolveReply.CLASS_LOCAL;
        return Stream.of(
                new Res("literal mydestination", "u@mail.example.com", "local", "mail.example.com", l),
                new Res("/file entry", "u@mail3.example.com", "local", "mail.example.com", l),
                new Res("table entry", "u@TABLED.example.com", "local", "mail.example.com", l),
                new Res(".parent pattern", "u@a.sub.example.com", "local", "mail.example.com", l),
                new Res("relay_domains parent style", "u@x.relay.example", "relay", "x.relay.example", ResolveReply.CLASS_RELAY),
                new Res("virtual mailbox domain from $virtual_mailbox_maps", "u@vmail.example", "virtual", "vhop", ResolveReply.CLASS_VIRTUAL),
                new Res("virtual alias domain from $virtual_alias_maps", "u@valias.example", "error",
                        "5.1.1 User unknown in virtual alias table", ResolveReply.CLASS_ALIAS),
                new Res("transport full address", "special@relay.example", "smtp", "[10.0.0.1]:2525", ResolveReply.CLASS_RELAY),
                new Res("transport with extension", "joe+x@relay.example", "discard", "relay.example", ResolveReply.CLASS_RELAY),
                new Res("transport stripped extension falls to domain", "joe+y@relay.example", "relay", "relay.example", ResolveReply.CLASS_RELAY),
                new Res("transport parent .domain", "u@a.b.deep.example", "smtp", "[10.0.0.2]", ResolveReply.CLASS_DEFAULT),
                new Res("negated name is not local", "u@bad.example.com", "smtp", "bad.example.com", ResolveReply.CLASS_DEFAULT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void resolves(Res c) {
        ResolveReply r = new Resolver(cfg).resolve(c.address());
        assertEquals(c.transport() + " " + c.nexthop() + " " + c.klass(), r.transport() + " " + r.nexthop() + " " + (r.flags() & 0xff00));
    }

    @Test
    void wildcardRoutesEverythingElseAndKeepsTheClass() {
        MainCf c = MainCf.parse(dir.resolve("main.cf"), "myhostname = mail.example.com\nmydestination = localhost\n"
                + "transport_maps = inline:{ *=smtp:[smarthost] }\n", Map.of(), w -> {});
        ResolveReply r = new Resolver(c).resolve("u@localhost");
        assertEquals("smtp [smarthost] " + ResolveReply.CLASS_LOCAL, r.transport() + " " + r.nexthop() + " " + (r.flags() & 0xff00));
    }

    @Test
    void tableFailureSetsTheFailFlag() {
        MainCf failing = MainCf.parse(dir.resolve("main.cf"), """
                myhostname = mail.example.com
                virtual_mailbox_domains = fail:vdomains
                """, Map.of(), w -> {});
        Resolver r = new Resolver(failing);
        assertEquals(ResolveReply.CLASS_LOCAL, r.resolve("u@mail.example.com").flags() & 0xff00);
        ResolveReply f = r.resolve("u@other.example");
        assertEquals(ResolveReply.FLAG_FAIL, f.flags());
        assertEquals(true, f.failed());
    }

    @Test
    void missingTableFailsUntilItAppears() throws IOException {
        Path later = dir.resolve("later");
        MainCf c = MainCf.parse(dir.resolve("main.cf"), "myhostname = mail.example.com\ntransport_maps = texthash:" + later + "\n",
                Map.of(), w -> {});
        Resolver r = new Resolver(c);
        assertEquals(true, r.resolve("u@x.example").failed());
        Files.writeString(later, "x.example  relay:[gw]\n");
        settled(later);
        ResolveReply ok = r.resolve("u@x.example");
        assertEquals("relay [gw]", ok.transport() + " " + ok.nexthop());
    }

    @Test
    void transportValueForms() {
        TransportMaps.Route cur = new TransportMaps.Route("smtp", "example.com");
        assertEquals(cur, TransportMaps.update(":", "example.com", cur));
        assertEquals(new TransportMaps.Route("smtp", "[gw]"), TransportMaps.update(":[gw]", "example.com", cur));
        assertEquals(new TransportMaps.Route("relay", "example.com"), TransportMaps.update("relay", "example.com", cur));
        assertEquals(new TransportMaps.Route("error", "Address is undeliverable"), TransportMaps.update("error", "example.com", cur));
        assertEquals(new TransportMaps.Route("error", "5.1.1 gone"), TransportMaps.update("error:5.1.1 gone", "example.com", cur));
    }
}
