package org.postroom.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryStatus;
import org.postroom.global.proto.deliver.DeliveryStatus.Outcome;
import org.postroom.util.Posix;

/** owner- aliases, .forward files, resubmission and alias tables through the table library (spec 7.1, 7.2). */
class LocalForwardTest {
    @TempDir
    Path tmp;
    Fixture fx;
    Path log;
    Path home;

    @BeforeEach
    void setUp() throws IOException {
        fx = new Fixture(tmp);
        home = Files.createDirectories(tmp.resolve("home/fwd"));
        fx.user("fwd", Posix.geteuid(), home.toString());
        log = tmp.resolve("maillog");
        Msg.init("postfix", "local", "mail.example.com", log.toString(), false);
    }

    @AfterEach
    void tearDown() {
        Msg.init("postfix", "local", "mail.example.com", "", false);
    }

    private DeliveryStatus deliver(String aliases, String extraCf, String orig, String rcpt) throws IOException {
        Files.writeString(fx.aliases, aliases);
        DeliverRequest req = fx.queueFile("alice@example.org", List.of(new Fixture.Rcpt(orig, rcpt)), Fixture.SIMPLE);
        return fx.local(extraCf).deliver(req).getFirst();
    }

    private String maillog() throws IOException {
        return Files.exists(log) ? fx.read(log) : "";
    }

    @Test
    void ownerAliasBecomesTheSenderOfTheResubmittedList() throws IOException {
        DeliveryStatus s = deliver("list: joe, bob@remote.example.net\nowner-list: joe\n", "", "list", "list@mail.example.com");
        assertEquals(new DeliveryStatus(s.offset(), Outcome.SENT, "2.0.0", "forwarded as F11"), s);
        assertEquals(1, fx.submitted.size());
        List<String> f = fx.submitted.getFirst();
        assertEquals("S owner-list@mail.example.com", f.get(1));
        assertTrue(f.containsAll(List.of("R joe@mail.example.com", "R bob@remote.example.net")), f.toString());
        assertFalse(f.stream().anyMatch(r -> r.startsWith("O ")), "no original recipient below an owner- alias: " + f);
        assertFalse(Files.exists(fx.spool.resolve("joe")), "local members are resubmitted, not delivered here");
    }

    @Test
    void aliasWithoutOwnerDeliversLocalMembersDirectly() throws IOException {
        DeliveryStatus s = deliver("list: joe, bob@remote.example.net\n", "", "", "list@mail.example.com");
        assertEquals(Outcome.SENT, s.outcome());
        assertTrue(Files.exists(fx.spool.resolve("joe")));
        assertEquals(List.of("R bob@remote.example.net"), fx.submitted.getFirst().stream().filter(r -> r.startsWith("R ")).toList());
    }

    @Test
    void dotForwardToAnotherLocalUserIsResubmittedAndBackslashSelfIsKept() throws IOException {
        Files.writeString(home.resolve(".forward"), "# keep a copy\n\\fwd, ann\n");
        DeliveryStatus s = deliver("", "", "fwd", "fwd@mail.example.com");
        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        String box = fx.read(fx.spool.resolve("fwd"));
        assertTrue(box.contains("\nDelivered-To: fwd@mail.example.com\n"), box);
        List<String> f = fx.submitted.getFirst();
        assertTrue(f.contains("R ann@mail.example.com") && f.contains("O fwd") && f.contains("N Delivered-To: fwd@mail.example.com"), f.toString());
        assertTrue(maillog().contains("to=<fwd@mail.example.com>, orig_to=<fwd>, relay=local, delay=2, delays=1/1/0/0, "
                + "dsn=2.0.0, status=sent (forwarded as F11)"), maillog());
    }

    @Test
    void userInOwnDotForwardGetsTheMailbox() throws IOException {
        Files.writeString(home.resolve(".forward"), "fwd@mail.example.com\n");
        DeliveryStatus s = deliver("", "", "", "fwd@mail.example.com");
        assertEquals(new DeliveryStatus(s.offset(), Outcome.SENT, "2.0.0", "delivered to mailbox"), s);
        assertTrue(fx.submitted.isEmpty());
    }

    @Test
    void emptyOrUnsafeDotForwardIsIgnored() throws IOException {
        Path f = home.resolve(".forward");
        Files.writeString(f, "# nothing\n");
        assertEquals("delivered to mailbox", deliver("", "", "", "fwd@mail.example.com").reason());
        Files.writeString(f, "ann\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals("delivered to mailbox", deliver("", "", "", "fwd@mail.example.com").reason());
        assertTrue(maillog().contains("warning: file " + f + " is world writable"), maillog());
        assertTrue(fx.submitted.isEmpty());
    }

    @Test
    void extensionForwardFileWinsAndCommandsRunFromForward() throws IOException {
        Path out = tmp.resolve("cmd.out");
        Files.writeString(home.resolve(".forward+list"), "\"|cat > " + out + "\"\n");
        Files.writeString(home.resolve(".forward"), "ann\n");
        DeliveryStatus s = deliver("", "recipient_delimiter = +\n", "", "fwd+list@mail.example.com");
        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertTrue(fx.read(out).contains("Delivered-To: fwd+list@mail.example.com"), fx.read(out));
        assertTrue(fx.submitted.isEmpty());
    }

    @Test
    void forwardPathEmptyTurnsForwardingOff() throws IOException {
        Files.writeString(home.resolve(".forward"), "ann\n");
        assertEquals("delivered to mailbox", deliver("", "forward_path =\n", "", "fwd@mail.example.com").reason());
    }

    @Test
    void resolverOrCleanupTroubleDefers() throws IOException {
        DeliveryStatus s = deliver("x: u@resolver.down\n", "", "", "x@mail.example.com");
        assertEquals(new DeliveryStatus(s.offset(), Outcome.DEFERRED, "4.3.0", "address resolver failure"), s);
        fx.cleanupDown = true;
        Files.writeString(fx.aliases, "y: bob@remote.example.net\n");
        DeliverRequest req = fx.queueFile("alice@example.org", "y@mail.example.com", Fixture.SIMPLE);
        s = fx.local("").deliver(req).getFirst();
        assertEquals(new DeliveryStatus(s.offset(), Outcome.DEFERRED, "4.3.0", "unable to forward message"), s);
        assertEquals('R', fx.recordType(req, s.offset()));
    }

    @Test
    void aliasTablesThroughTheTableLibrary() throws IOException {
        DeliveryStatus s = deliver("", "alias_maps = inline:{ sales=joe }\n", "", "sales@mail.example.com");
        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertTrue(Files.exists(fx.spool.resolve("joe")));
        Path text = tmp.resolve("aliases.txt");
        Files.writeString(text, "team: ann\n");
        s = deliver("", "alias_maps = texthash:" + text + "\n", "", "team@mail.example.com");
        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertTrue(Files.exists(fx.spool.resolve("ann")));
        s = deliver("", "alias_maps = fail:aliases\n", "", "joe@mail.example.com");
        assertEquals(new DeliveryStatus(s.offset(), Outcome.DEFERRED, "4.3.0", "alias database unavailable"), s);
    }
}
