package org.postroom.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.global.config.MainCf;
import org.postroom.global.proto.rewrite.ResolveReply;

class RewriteResolveTest {
    static final MainCf CFG = MainCf.parse(Path.of("/etc/postroom/main.cf"), """
            compatibility_level = 3.6
            myhostname = mail.example.com
            mydomain = example.com
            mydestination = $myhostname, localhost
            relay_domains = relay.example
            virtual_mailbox_domains = vmail.example
            virtual_alias_domains = valias.example
            """, Map.of(), w -> {});

    record Case(String label, String rule, String in, String out) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> rewrites() {
        return Stream.of(
                new Case("bare name gets myorigin", "local", "root", "root@mail.example.com"),
                new Case("bare name stays in remote context", "remote", "root", "root"),
                new Case("bang path", "local", "site!user", "user@site"),
                new Case("percent hack", "local", "user%other.example", "user@other.example"),
                new Case("trailing dot dropped", "local", "u@example.org.", "u@example.org"),
                new Case("null sender", "local", "", ""),
                new Case("single label kept at compat 3.6", "local", "u@host", "u@host"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rewrites")
    void rewrites(Case c) {
        assertEquals(c.out(), new Rewriter(CFG).rewrite(c.rule(), c.in()));
    }

    record Res(String label, String address, String transport, String nexthop, int klass) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Res> resolves() {
        return Stream.of(
                new Res("local domain", "root@mail.example.com", "local", "mail.example.com", ResolveReply.CLASS_LOCAL),
                new Res("localhost", "u@LOCALHOST", "local", "mail.example.com", ResolveReply.CLASS_LOCAL),
                new Res("bare name", "root", "local", "mail.example.com", ResolveReply.CLASS_LOCAL),
                new Res("relay domain", "u@relay.example", "relay", "relay.example", ResolveReply.CLASS_RELAY),
                new Res("virtual mailbox", "u@vmail.example", "virtual", "vmail.example", ResolveReply.CLASS_VIRTUAL),
                new Res("virtual alias", "u@valias.example", "error", "5.1.1 User unknown in virtual alias table", ResolveReply.CLASS_ALIAS),
                new Res("elsewhere", "bob@remote.example.net", "smtp", "remote.example.net", ResolveReply.CLASS_DEFAULT),
                new Res("our address literal", "u@[127.0.0.1]", "local", "mail.example.com", ResolveReply.CLASS_LOCAL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resolves")
    void resolves(Res c) {
        ResolveReply r = new Resolver(CFG).resolve(c.address());
        assertEquals(c.transport(), r.transport());
        assertEquals(c.nexthop(), r.nexthop());
        assertEquals(c.klass(), r.flags() & 0xff00);
    }
}
