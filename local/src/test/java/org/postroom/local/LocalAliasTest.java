package org.postroom.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
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

/** alias_maps: expansion, extensions, loops, files, commands, :include: and restrictions (spec 7.1-7.3). */
class LocalAliasTest {
    @TempDir
    Path tmp;
    Fixture fx;
    Path log;

    @BeforeEach
    void setUp() throws IOException {
        fx = new Fixture(tmp);
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
        List<DeliveryStatus> s = fx.local(extraCf).deliver(req);
        assertEquals(1, s.size());
        return s.getFirst();
    }

    private String maillog() throws IOException {
        return Files.exists(log) ? fx.read(log) : "";
    }

    @Test
    void aliasToUserSetsDeliveredToTheAlias() throws IOException {
        DeliveryStatus s = deliver("postmaster: joe\n", "", "postmaster", "postmaster@mail.example.com");
        assertEquals(Outcome.SENT, s.outcome());
        String box = fx.read(fx.spool.resolve("joe"));
        assertTrue(box.contains("\nX-Original-To: postmaster\nDelivered-To: postmaster@mail.example.com\n"), box);
        assertTrue(maillog().contains(": to=<joe@mail.example.com>, orig_to=<postmaster>, relay=local, delay=2, "
                + "delays=1/1/0/0, dsn=2.0.0, status=sent (delivered to mailbox)"), maillog());
    }

    @Test
    void extensionIsLookedUpFirstAndPropagatedOnlyWhenConfigured() throws IOException {
        deliver("joe+list: ann\njoe: root\n", "recipient_delimiter = +\n", "", "joe+list@mail.example.com");
        assertTrue(Files.exists(fx.spool.resolve("ann")));
        deliver("sales: joe\n", "recipient_delimiter = +\npropagate_unmatched_extensions = alias\n", "", "sales+x@mail.example.com");
        assertTrue(maillog().contains("to=<joe+x@mail.example.com>"), maillog());
    }

    @Test
    void aliasListingItselfDeliversToTheUser() throws IOException {
        DeliveryStatus s = deliver("joe: joe, ann\n", "", "", "joe@mail.example.com");
        assertEquals(Outcome.SENT, s.outcome());
        assertTrue(Files.exists(fx.spool.resolve("joe")));
        assertTrue(Files.exists(fx.spool.resolve("ann")));
    }

    @Test
    void indirectLoopBounces() throws IOException {
        DeliveryStatus s = deliver("loopa: loopb\nloopb: loopa@mail.example.com\n", "", "loopa", "loopa@mail.example.com");
        assertEquals(new DeliveryStatus(s.offset(), Outcome.BOUNCED, "5.4.6", "alias database loop for loopb"), s);
        assertTrue(maillog().contains("warning: alias database loop for loopb"), maillog());
        assertTrue(maillog().contains("to=<loopb@mail.example.com>, orig_to=<loopa>, relay=local"), maillog());
    }

    @Test
    void duplicateDestinationsAreDeliveredOnce() throws IOException {
        deliver("list: joe, joe@mail.example.com, other\nother: joe\n", "", "", "list@mail.example.com");
        String box = fx.read(fx.spool.resolve("joe"));
        assertEquals(box.indexOf("\nFrom "), -1, box);
    }

    @Test
    void aliasToFileAndMaildir() throws IOException {
        Path file = tmp.resolve("out/archive.mbox");
        Files.createDirectories(file.getParent());
        Path dir = tmp.resolve("out/md");
        DeliveryStatus s = deliver("arch: " + file + ", " + dir + "/\n", "", "", "arch@mail.example.com");
        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertTrue(fx.read(file).startsWith("From alice@example.org  Sat Nov 21 19:09:35 2026\n"));
        assertTrue(Files.isDirectory(dir.resolve("new")));
        assertTrue(maillog().contains("status=sent (delivered to file: " + file + ")"), maillog());
    }

    @Test
    void commandExitStatusMapsToBounce() throws IOException {
        DeliveryStatus s = deliver("pipeme: \"|exit 67\"\n", "", "pipeme", "pipeme@mail.example.com");
        // pipe_command.c's dsb_unix(): a report says "Diagnostic-Code: x-unix; user unknown"
        assertEquals(new DeliveryStatus(s.offset(), Outcome.BOUNCED, "5.1.1", "user unknown", "", "x-unix", "user unknown"), s);
    }

    @Test
    void restrictionsApply() throws IOException {
        DeliveryStatus s = deliver("p: \"|cat\"\n", "allow_mail_to_commands = forward\n", "", "p@mail.example.com");
        assertEquals(new DeliveryStatus(s.offset(), Outcome.BOUNCED, "5.7.1", "mail to command is restricted"), s);
        s = deliver("f: /tmp/x\n", "allow_mail_to_files = forward\n", "", "f@mail.example.com");
        assertEquals(new DeliveryStatus(s.offset(), Outcome.BOUNCED, "5.7.1", "mail to file is restricted"), s);
    }

    @Test
    void includeFilesAreResubmittedButCommandsInThemRestricted() throws IOException {
        Path list = tmp.resolve("list");
        Files.writeString(list, "# members\njoe\nann, \"|cat\"\n");
        DeliveryStatus s = deliver("team: :include:" + list + "\n", "", "", "team@mail.example.com");
        assertEquals(new DeliveryStatus(s.offset(), Outcome.BOUNCED, "5.7.1", "mail to command is restricted"), s);
        assertFalse(Files.exists(fx.spool.resolve("joe")));
        List<String> fwd = fx.submitted.getFirst();
        assertTrue(fwd.contains("R joe@mail.example.com") && fwd.contains("R ann@mail.example.com"), fwd.toString());
        assertTrue(maillog().contains("to=<team@mail.example.com>, relay=local, delay=2, delays=1/1/0/0, dsn=2.0.0, "
                + "status=sent (forwarded as F11)"), maillog());
        s = deliver("team: :include:" + tmp.resolve("missing") + "\n", "", "", "team@mail.example.com");
        assertEquals(Outcome.DEFERRED, s.outcome());
        assertEquals("cannot open include file " + tmp.resolve("missing") + ": No such file or directory", s.reason());
    }

    @Test
    void remoteAddressesAreForwardedAsANewMessage() throws IOException {
        DeliveryStatus s = deliver("ext: bob@remote.example.net\n", "", "ext", "ext@mail.example.com");
        assertEquals(new DeliveryStatus(s.offset(), Outcome.SENT, "2.0.0", "forwarded as F11"), s);
        List<String> f = fx.submitted.getFirst();
        assertEquals(List.of("S alice@example.org", "A log_client_name=localhost", "A log_client_address=127.0.0.1",
                "A rewrite_context=remote", "O ext", "R bob@remote.example.net", "M ",
                "N Received: by mail.example.com (Postfix)", "N \tid F11; " + org.postroom.global.mail.MailDate.format(
                        Fixture.CLOCK.instant().atZone(java.time.ZoneId.systemDefault())),
                "N Delivered-To: ext@mail.example.com", "N Received: by mail.example.com (Postfix)", "N Subject: hi", "N ",
                "N body", "X ", "E "), f.subList(1, f.size()));
        assertTrue(maillog().contains("to=<ext@mail.example.com>, orig_to=<ext>, relay=local, delay=2, delays=1/1/0/0,"
                + " dsn=2.0.0, status=sent (forwarded as F11)"), maillog());
    }

    @Test
    void missingAliasTableDefers() throws IOException {
        Files.delete(fx.aliases);
        DeliverRequest req = fx.queueFile("alice@example.org", "joe@mail.example.com", Fixture.SIMPLE);
        DeliveryStatus s = fx.local("").deliver(req).getFirst();
        assertEquals(new DeliveryStatus(s.offset(), Outcome.DEFERRED, "4.3.0", "alias database unavailable"), s);
        assertEquals('R', fx.recordType(req, s.offset()));
    }

    @Test
    void aliasTableIsReadAgainWhenItChanges() throws IOException {
        Files.writeString(fx.aliases, "x: joe\n");
        Local local = fx.local("");
        local.deliver(fx.queueFile("alice@example.org", "x@mail.example.com", Fixture.SIMPLE));
        assertTrue(Files.exists(fx.spool.resolve("joe")));
        Files.writeString(fx.aliases, "x: ann\n");
        Files.setLastModifiedTime(fx.aliases, FileTime.from(Instant.now().plusSeconds(5)));
        local.deliver(fx.queueFile("alice@example.org", "x@mail.example.com", Fixture.SIMPLE));
        assertTrue(Files.exists(fx.spool.resolve("ann")));
    }

    @Test
    void asRootAliasCommandsAndFilesUseDefaultPrivs() throws IOException {
        assumeTrue(Posix.isRoot(), "needs root");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = Files.createDirectories(tmp.resolve("shared"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(fx.aliases, "who: \"|id -u > " + out.resolve("uid") + "\", " + out.resolve("f.mbox") + "\n"
                + "denied: " + tmp.resolve("rootonly.mbox") + "\n");
        Local local = fx.local("", new Privileges(true));
        DeliveryStatus s = local.deliver(fx.queueFile("alice@example.org", "who@mail.example.com", Fixture.SIMPLE)).getFirst();
        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertEquals("65534\n", fx.read(out.resolve("uid")));
        assertEquals(65534, Files.getAttribute(out.resolve("f.mbox"), "unix:uid"));
        s = local.deliver(fx.queueFile("alice@example.org", "denied@mail.example.com", Fixture.SIMPLE)).getFirst();
        assertEquals(Outcome.BOUNCED, s.outcome());
        assertFalse(Files.exists(tmp.resolve("rootonly.mbox")));
    }
}
