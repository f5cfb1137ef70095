package org.postroom.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryStatus;
import org.postroom.global.proto.deliver.DeliveryStatus.Outcome;
import org.postroom.service.FatalException;
import org.postroom.util.Posix;

/** Users in passwd: spool mbox, spool and home Maildir, unknown users, loops, marking done. */
class LocalMailboxTest {
    @TempDir
    Path tmp;
    Fixture fx;

    @BeforeEach
    void setUp() throws IOException {
        fx = new Fixture(tmp);
    }

    private DeliveryStatus one(Local local, DeliverRequest req) {
        List<DeliveryStatus> s = local.deliver(req);
        assertEquals(1, s.size());
        return s.getFirst();
    }

    @Test
    void deliversToSpoolMboxAndMarksDone() throws IOException {
        DeliverRequest req = fx.queueFile("alice@example.org", "joe@mail.example.com", Fixture.SIMPLE);
        DeliveryStatus s = one(fx.local(""), req);
        assertEquals(new DeliveryStatus(req.recipients().getFirst().offset(), Outcome.SENT, "2.0.0", "delivered to mailbox"), s);
        assertEquals('D', fx.recordType(req, s.offset()));
        Path box = fx.spool.resolve("joe");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(box)));
        DeliverRequest again = fx.queueFile("", "joe@mail.example.com", Fixture.SIMPLE);
        one(fx.local(""), again);
        String text = fx.read(box);
        assertTrue(text.contains("\nbody\n\nFrom MAILER-DAEMON  Sat Nov 21 19:09:35 2026\nReturn-Path: <>\n"), text);
    }

    @Test
    void unknownUserBounces() throws IOException {
        DeliverRequest req = fx.queueFile("alice@example.org", "NoSuch+x@mail.example.com", Fixture.SIMPLE);
        DeliveryStatus s = one(fx.local("recipient_delimiter = +\n"), req);
        assertEquals(Outcome.BOUNCED, s.outcome());
        assertEquals("5.1.1", s.dsn());
        assertEquals("unknown user: \"nosuch\"", s.reason());
        assertEquals('D', fx.recordType(req, s.offset()));
    }

    @Test
    void postmasterWithoutAliasOrAccountIsDiscarded() throws IOException {
        DeliverRequest req = fx.queueFile("alice@example.org", "Postmaster@mail.example.com", Fixture.SIMPLE);
        DeliveryStatus s = one(fx.local(""), req);
        assertEquals(new DeliveryStatus(s.offset(), Outcome.SENT, "2.0.0", "discarded"), s);
        assertEquals('D', fx.recordType(req, s.offset()));
    }

    @Test
    void deliveredToLoopBounces() throws IOException {
        DeliverRequest req = fx.queueFile("alice@example.org", "joe@mail.example.com",
                List.of("Received: by x", "Delivered-To: JOE@mail.example.com", "Subject: loop", "", "Delivered-To: body@x"));
        DeliveryStatus s = one(fx.local(""), req);
        assertEquals(new DeliveryStatus(s.offset(), Outcome.BOUNCED, "5.4.6", "mail forwarding loop for joe@mail.example.com"), s);
        assertFalse(Files.exists(fx.spool.resolve("joe")));
    }

    @Test
    void deliveredToInTheBodyIsNoLoop() throws IOException {
        DeliverRequest req = fx.queueFile("alice@example.org", "joe@mail.example.com",
                List.of("Subject: fine", "", "Delivered-To: joe@mail.example.com"));
        assertEquals(Outcome.SENT, one(fx.local(""), req).outcome());
    }

    @Test
    void homeMaildirIsCreatedAndNamedBySpec() throws IOException {
        DeliverRequest req = fx.queueFile("alice@example.org", "joe@mail.example.com", Fixture.SIMPLE);
        DeliveryStatus s = one(fx.local("home_mailbox = Maildir/\n"), req);
        assertEquals("delivered to maildir", s.reason());
        Path md = tmp.resolve("home/joe/Maildir");
        for (String d : List.of("", "tmp", "new", "cur")) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(md.resolve(d))), d);
        }
        try (Stream<Path> tmpFiles = Files.list(md.resolve("tmp")); Stream<Path> newFiles = Files.list(md.resolve("new"))) {
            assertEquals(0, tmpFiles.count());
            List<Path> files = newFiles.toList();
            assertEquals(1, files.size());
            long sec = Fixture.CLOCK.instant().getEpochSecond();
            String name = files.getFirst().getFileName().toString();
            assertTrue(name.matches(sec + "\\.V[0-9a-f]+I[0-9a-f]+M123456\\.vm"), name);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.getFirst())));
        }
    }

    @Test
    void spoolDirectoryWithSlashMeansMaildirPerUser() throws IOException {
        DeliverRequest req = fx.queueFile("alice@example.org", "joe@mail.example.com", Fixture.SIMPLE);
        DeliveryStatus s = one(fx.local("mail_spool_directory = " + fx.spool + "/\n"), req);
        assertEquals("delivered to maildir", s.reason());
        try (Stream<Path> files = Files.list(fx.spool.resolve("joe/new"))) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void mailboxCommandRunsForUsers() throws IOException {
        Path out = tmp.resolve("mc.out");
        DeliverRequest req = fx.queueFile("alice@example.org", "joe+ext@mail.example.com", Fixture.SIMPLE);
        DeliveryStatus s = one(fx.local("recipient_delimiter = +\nmailbox_command = /bin/sh -c 'echo $user $EXTENSION $HOME > "
                + out + "'\n"), req);
        assertEquals(Outcome.SENT, s.outcome(), s.reason());
        assertEquals("joe ext " + tmp.resolve("home/joe") + "\n", fx.read(out));
    }

    @Test
    void sizeLimitBounces() throws IOException {
        DeliverRequest req = fx.queueFile("alice@example.org", "joe@mail.example.com", Fixture.SIMPLE);
        DeliveryStatus s = one(fx.local("mailbox_size_limit = 100\nmessage_size_limit = 50\n"), req);
        assertEquals(Outcome.BOUNCED, s.outcome());
        assertEquals("5.2.2", s.dsn());
        assertEquals("cannot update mailbox " + fx.spool.resolve("joe") + " for user joe. error writing message: File too large",
                s.reason());
        assertEquals(0, Files.size(fx.spool.resolve("joe")));
    }

    @Test
    void mailboxLimitBelowMessageLimitIsFatal() {
        FatalException e = assertThrows(FatalException.class,
                () -> fx.local("mailbox_size_limit = 1000\nmessage_size_limit = 2000\n"));
        assertEquals("configuration error: mailbox_size_limit is smaller than message_size_limit", e.getMessage());
    }

    @Test
    void missingQueueFileDefers() throws IOException {
        DeliverRequest req = fx.queueFile("alice@example.org", "joe@mail.example.com", Fixture.SIMPLE);
        Files.delete(fx.file(req));
        DeliveryStatus s = one(fx.local(""), req);
        assertEquals(Outcome.DEFERRED, s.outcome());
        assertEquals("4.3.0", s.dsn());
    }

    @Test
    void asRootMailboxesBelongToTheUser() throws IOException {
        assumeTrue(Posix.isRoot(), "needs root");
        DeliverRequest req = fx.queueFile("alice@example.org", "joe@mail.example.com", Fixture.SIMPLE);
        one(fx.local("", new Privileges(true)), req);
        assertEquals(1000, Files.getAttribute(fx.spool.resolve("joe"), "unix:uid"));
        assertEquals(1000, Files.getAttribute(fx.spool.resolve("joe"), "unix:gid"));
    }
}
