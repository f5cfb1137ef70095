package org.postroom.global.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.global.proto.bounce.BounceAppend;
import org.postroom.global.proto.bounce.BounceLog;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryStatus.Outcome;
import org.postroom.global.proto.deliver.TraceFlags;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;

/**
 * What an agent records for each result, by trace flags, against a real append service: the log entries
 * (bounce.c, defer.c, sent.c, trace.c), whether the recipient is marked done, and what is logged.
 */
class CompletionTest {
    private static final String ID = "74AB3160019";

    @TempDir
    Path queueDir;
    private Path file;
    private long offset;
    private BounceAppend.Listener bounce;

    @AfterEach
    void stop() {
        if (bounce != null) bounce.close();
    }

    /** The append service of bounce(8), on the private sockets of the queue directory. */
    private void listen() throws IOException {
        bounce = BounceAppend.listen(queueDir);
    }

    @BeforeEach
    void queueFile() throws IOException {
        for (String d : List.of("bounce", "defer", "trace", "active")) Files.createDirectories(queueDir.resolve(d));
        file = queueDir.resolve("active").resolve(ID);
        try (OutputStream out = Files.newOutputStream(file)) {
            RecordWriter w = new RecordWriter(out);
            w.put(RecordType.FROM, "alice@example.org");
            offset = w.offset();
            w.put(RecordType.RCPT, "bob@mail.example.com");
            w.put(RecordType.END, "");
            w.flush();
        }
    }

    private DeliverRequest request(int flags, int notify) {
        return new DeliverRequest(QueueName.ACTIVE, new QueueId(ID), 0, 0, "", "", "alice@example.org", 0, 0, "", "",
                List.of(recipient(notify)), "", 0, 0, flags);
    }

    private DeliverRequest.Recipient recipient(int notify) {
        return new DeliverRequest.Recipient(offset, "bob@mail.example.com", "bob@mail.example.com", "", notify);
    }

    private List<String> log(String service) throws IOException {
        Path p = queueDir.resolve(service).resolve(ID);
        if (!Files.exists(p)) return List.of();
        return BounceLog.read(p).stream().map(e -> e.recipient() + " " + e.status() + " " + e.action() + " " + e.reason()).toList();
    }

    private boolean done() throws IOException {
        return Files.readAllBytes(file)[(int) offset] == RecordType.DONE.code;
    }

    /** flags, NOTIFY, the result, then: the returned status word, done?, the bounce log, the trace log. */
    static Stream<Arguments> cases() {
        Verdict mailbox = Verdict.sent("delivers to mailbox");
        Verdict unknown = Verdict.bounce("5.1.1", "unknown user: \"bob\"");
        Verdict busy = Verdict.defer("4.2.0", "mailbox busy");
        Verdict delivered = Verdict.sent("delivered to maildir");
        return Stream.of(
                // sendmail -bv: everything goes to the trace log, deliverable or undeliverable, and is final
                Arguments.of(TraceFlags.USR_VRFY, 0, mailbox, "deliverable", true, List.of(),
                        List.of("bob@mail.example.com 2.0.0 deliverable delivery via local: delivers to mailbox")),
                Arguments.of(TraceFlags.USR_VRFY, 0, unknown, "undeliverable", true, List.of(),
                        List.of("bob@mail.example.com 5.1.1 undeliverable delivery via local: unknown user: \"bob\"")),
                Arguments.of(TraceFlags.USR_VRFY, 0, busy, "undeliverable", true, List.of(),
                        List.of("bob@mail.example.com 4.2.0 undeliverable delivery via local: mailbox busy")),
                // sendmail -v: delivered as usual, and each result in the trace log too
                Arguments.of(TraceFlags.RECORD, 0, delivered, "sent", true, List.of(),
                        List.of("bob@mail.example.com 2.0.0 delivered delivery via local: delivered to maildir")),
                Arguments.of(TraceFlags.RECORD, 0, unknown, "bounced", true, List.of("bob@mail.example.com 5.1.1 failed unknown user: \"bob\""),
                        List.of("bob@mail.example.com 5.1.1 failed delivery via local: unknown user: \"bob\"")),
                Arguments.of(TraceFlags.RECORD, 0, busy, "deferred", false, List.of(),
                        List.of("bob@mail.example.com 4.2.0 delayed delivery via local: mailbox busy")),
                // ordinary mail: a bounce entry, a success entry only for NOTIFY=SUCCESS
                Arguments.of(0, 0, delivered, "sent", true, List.of(), List.of()),
                Arguments.of(0, 2, delivered, "sent", true, List.of(),
                        List.of("bob@mail.example.com 2.0.0 delivered delivery via local: delivered to maildir")),
                Arguments.of(0, 0, unknown, "bounced", true, List.of("bob@mail.example.com 5.1.1 failed unknown user: \"bob\""), List.of()),
                Arguments.of(0, 0, busy, "deferred", false, List.of(), List.of()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void records(int flags, int notify, Verdict v, String status, boolean done, List<String> bounce, List<String> trace) throws IOException {
        listen();
        DeliverRequest req = request(flags, notify);
        Verdict r = new Completion(queueDir, file, req).complete(req.recipients().get(0), v, "local", "delivered");
        assertEquals(status, r.statusWord());
        assertEquals(done, done());
        assertEquals(bounce, log("bounce"));
        assertEquals(trace, log("trace"));
        assertEquals(status.equals("deferred"), r.outcome() == Outcome.DEFERRED);
    }

    @Test
    void relayNoneHasNoDeliveryVia() throws IOException {
        listen();
        DeliverRequest req = request(TraceFlags.USR_VRFY, 0);
        new Completion(queueDir, file, ID, TraceFlags.USR_VRFY).complete(req.recipients().get(0),
                Verdict.defer("4.3.0", "mail transport unavailable"), "none", "delivered");
        assertEquals(List.of("bob@mail.example.com 4.3.0 undeliverable mail transport unavailable"), log("trace"));
    }

    @Test
    void eachDestinationOfAnAliasIsReportedAndLoggedOnceRecorded() throws IOException {
        listen();
        DeliverRequest req = request(TraceFlags.USR_VRFY, 0);
        List<String> logged = new ArrayList<>();
        List<Completion.Leaf> leaves = List.of(new Completion.Leaf("root@localhost", Verdict.sent("delivers to maildir")),
                new Completion.Leaf("bob@mail.example.com", Verdict.bounce("5.1.1", "unknown user: \"nosuch\"")));
        Verdict r = new Completion(queueDir, file, req).complete(req.recipients().get(0), leaves, Verdict.bounce("5.1.1", "x"), "local",
                (to, v) -> logged.add(to + " " + v.statusWord()));
        assertEquals(List.of("root@localhost deliverable", "bob@mail.example.com undeliverable"), logged);
        assertEquals(List.of("root@localhost 2.0.0 deliverable delivery via local: delivers to maildir",
                "bob@mail.example.com 5.1.1 undeliverable delivery via local: unknown user: \"nosuch\""), log("trace"));
        assertEquals("bob@mail.example.com", BounceLog.read(queueDir.resolve("trace").resolve(ID)).get(0).originalRecipient());
        assertTrue(done());
        assertEquals("undeliverable", r.statusWord());
        assertEquals(List.of(), log("bounce"));
    }

    @Test
    void verboseDeliveryRecordsEveryDestinationAndBouncesTheRecipientOnce() throws IOException {
        listen();
        DeliverRequest req = request(TraceFlags.RECORD, 2);
        List<Completion.Leaf> leaves = List.of(new Completion.Leaf("root@localhost", Verdict.sent("delivered to maildir")),
                new Completion.Leaf("bob@mail.example.com", Verdict.bounce("5.1.1", "unknown user: \"nosuch\"")));
        Verdict r = new Completion(queueDir, file, req).complete(req.recipients().get(0), leaves, leaves.get(1).verdict(), "local",
                (to, v) -> { throw new AssertionError("the agent logs real deliveries itself"); });
        assertEquals(List.of("root@localhost 2.0.0 delivered delivery via local: delivered to maildir",
                "bob@mail.example.com 5.1.1 failed delivery via local: unknown user: \"nosuch\""), log("trace"));
        assertEquals(List.of("bob@mail.example.com 5.1.1 failed unknown user: \"nosuch\""), log("bounce"));
        assertEquals("bounced", r.statusWord());
        assertTrue(done());
    }
}
