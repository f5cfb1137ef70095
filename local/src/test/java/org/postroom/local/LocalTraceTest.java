package org.postroom.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.bounce.BounceLog;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryStatus;
import org.postroom.global.proto.deliver.DeliveryStatus.Outcome;
import org.postroom.global.proto.deliver.TraceFlags;

/**
 * Requests with trace flags (mailbox.c, maildir.c, file.c, command.c, indirect.c: "Don't deliver trace-only
 * requests"): an address probe (sendmail -bv) expands aliases as usual, delivers and forwards nothing, and
 * reports each destination to the trace log; sendmail -v delivers and records every destination.
 */
class LocalTraceTest {
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

    private DeliverRequest request(int flags, String... rcpts) throws IOException {
        List<Fixture.Rcpt> rs = java.util.Arrays.stream(rcpts).map(r -> new Fixture.Rcpt(r, r)).toList();
        DeliverRequest r = fx.queueFile("alice@example.org", rs, Fixture.SIMPLE);
        return new DeliverRequest(r.queue(), r.queueId(), r.dataOffset(), r.size(), r.nexthop(), r.encoding(), r.sender(),
                r.arrivalTime(), r.activeTime(), r.clientName(), r.clientAddress(), r.recipients(), "", 0, 0, flags);
    }

    /** The trace log of {@code req}: "recipient (original) status action: reason" per entry. */
    private List<String> trace(DeliverRequest req, String service) throws IOException {
        return BounceLog.read(fx.queueDir.resolve(service).resolve(req.queueId().value())).stream()
                .map(e -> e.recipient() + " (" + e.originalRecipient() + ") " + e.status() + " " + e.action() + ": " + e.reason()).toList();
    }

    private String maillog() throws IOException {
        return Files.exists(log) ? fx.read(log) : "";
    }

    @Test
    void aProbeReportsEveryDestinationAndDeliversNothing() throws IOException {
        Path file = tmp.resolve("box.mbox");
        Files.writeString(fx.aliases, "team: joe, nosuch, \"|/bin/echo hi\", " + file + ", friend@far.example, " + tmp.resolve("md") + "/\n");
        DeliverRequest req = request(TraceFlags.USR_VRFY, "team@mail.example.com", "ann@mail.example.com");
        List<DeliveryStatus> s = fx.local("").deliver(req);
        assertEquals(List.of(Outcome.BOUNCED, Outcome.SENT), s.stream().map(DeliveryStatus::outcome).toList(), s.toString());
        String team = "(team@mail.example.com) ";
        assertEquals(List.of("joe@mail.example.com " + team + "2.0.0 deliverable: delivery via local: delivers to mailbox",
                "nosuch@mail.example.com " + team + "5.1.1 undeliverable: delivery via local: unknown user: \"nosuch\"",
                "team@mail.example.com " + team + "2.0.0 deliverable: delivery via local: delivers to command: /bin/echo hi",
                "team@mail.example.com " + team + "2.0.0 deliverable: delivery via local: delivers to file: " + file,
                "friend@far.example " + team + "2.0.0 deliverable: delivery via local: forwards to friend@far.example",
                "team@mail.example.com " + team + "2.0.0 deliverable: delivery via local: delivers to maildir",
                "ann@mail.example.com (ann@mail.example.com) 2.0.0 deliverable: delivery via local: delivers to mailbox"),
                trace(req, "trace"));
        assertEquals(List.of(), trace(req, "bounce"));
        // nothing delivered, nothing forwarded, and both recipients are done
        assertFalse(Files.exists(fx.spool.resolve("joe")));
        assertFalse(Files.exists(fx.spool.resolve("ann")));
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(tmp.resolve("md")));
        assertEquals(List.of(), fx.submitted);
        for (DeliverRequest.Recipient r : req.recipients()) assertEquals('D', fx.recordType(req, r.offset()));
        String l = maillog();
        assertTrue(l.contains(": to=<joe@mail.example.com>, orig_to=<team@mail.example.com>, relay=local, delay=2, delays=1/1/0/0, "
                + "dsn=2.0.0, status=deliverable (delivers to mailbox)"), l);
        assertTrue(l.contains(": to=<nosuch@mail.example.com>, orig_to=<team@mail.example.com>, relay=local, delay=2, "
                + "delays=1/1/0/0, dsn=5.1.1, status=undeliverable (unknown user: \"nosuch\")"), l);
        assertTrue(l.contains("status=deliverable (forwards to friend@far.example)"), l);
        assertFalse(l.contains("status=sent") || l.contains("status=bounced"), l);
    }

    @Test
    void aProbeOfAMaildirSpoolSaysMaildir() throws IOException {
        DeliverRequest req = request(TraceFlags.USR_VRFY, "joe@mail.example.com");
        fx.local("mail_spool_directory = " + fx.spool + "/\n").deliver(req);
        assertEquals(List.of("joe@mail.example.com (joe@mail.example.com) 2.0.0 deliverable: delivery via local: delivers to maildir"),
                trace(req, "trace"));
    }

    @Test
    void verboseDeliveryDeliversAndRecordsEachDestination() throws IOException {
        Files.writeString(fx.aliases, "team: joe, nosuch\n");
        DeliverRequest req = request(TraceFlags.RECORD, "team@mail.example.com");
        List<DeliveryStatus> s = fx.local("").deliver(req);
        assertEquals(Outcome.BOUNCED, s.getFirst().outcome());
        assertTrue(Files.exists(fx.spool.resolve("joe")));
        String team = "(team@mail.example.com) ";
        assertEquals(List.of("joe@mail.example.com " + team + "2.0.0 delivered: delivery via local: delivered to mailbox",
                "nosuch@mail.example.com " + team + "5.1.1 failed: delivery via local: unknown user: \"nosuch\""), trace(req, "trace"));
        // the bounce log has the recipient once, as without -v
        assertEquals(1, trace(req, "bounce").size());
        assertEquals('D', fx.recordType(req, req.recipients().getFirst().offset()));
        assertTrue(maillog().contains("to=<joe@mail.example.com>, orig_to=<team@mail.example.com>, relay=local, delay=2, "
                + "delays=1/1/0/0, dsn=2.0.0, status=sent (delivered to mailbox)"), maillog());
    }
}
