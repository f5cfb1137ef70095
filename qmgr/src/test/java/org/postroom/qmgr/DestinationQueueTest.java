package org.postroom.qmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.global.proto.deliver.DeliveryReply.HopStatus;

class DestinationQueueTest {
    private static final Optional<HopStatus> REFUSED =
            Optional.of(new HopStatus("4.4.1", "connect to 127.0.0.1[127.0.0.1]:2626: Connection refused"));
    private static final Optional<HopStatus> NONE = Optional.empty();

    private static DestinationQueue<String> queue(int initial, int limit, boolean rateLimited, String... entries) {
        DestinationQueue<String> q = new DestinationQueue<>("smtp", "example.org", "example.org",
                new ConcurrencyWindow.Limits(initial, limit, Feedback.ONE, Feedback.ONE, 1), rateLimited);
        for (String e : entries) q.add(e);
        return q;
    }

    private static List<String> selectAll(DestinationQueue<String> q) {
        List<String> out = new ArrayList<>();
        String e;
        while ((e = q.select()) != null) out.add(e);
        return out;
    }

    @Test
    void startsAsManyAsTheWindowAllowsAndMoreAfterEachSuccess() {
        DestinationQueue<String> q = queue(2, 3, false, "a", "b", "c", "d", "e", "f");
        assertEquals(List.of("a", "b"), selectAll(q));
        assertEquals(new DestinationQueue.Done<String>(List.of(), false, false), q.done(true, NONE));
        assertEquals(3, q.window());
        assertEquals(List.of("c", "d"), selectAll(q));
        q.done(true, NONE);
        assertEquals(3, q.window()); // the limit
        assertEquals(List.of("e"), selectAll(q));
        assertEquals(3, q.busy());
    }

    @Test
    void anAgentThatDidNotAnswerIsNoFeedback() {
        DestinationQueue<String> q = queue(2, 3, false, "a", "b", "c");
        selectAll(q);
        q.done(false, NONE);
        assertEquals(2, q.window());
        assertEquals(List.of("c"), selectAll(q));
    }

    @Test
    void aDeadDestinationHandsBackWhatWaitsAndTakesNothingNew() {
        DestinationQueue<String> q = queue(5, 20, false, "a", "b", "c", "d", "e", "f", "g");
        assertEquals(List.of("a", "b", "c", "d", "e"), selectAll(q));
        assertFalse(q.done(true, REFUSED).died());
        assertFalse(q.done(true, REFUSED).died());
        DestinationQueue.Done<String> d = q.done(true, REFUSED);
        assertTrue(d.died());
        assertEquals(List.of("f", "g"), d.suspended());
        assertEquals(Optional.of(new HopStatus("4.4.1",
                "delivery temporarily suspended: connect to 127.0.0.1[127.0.0.1]:2626: Connection refused")), q.dead());
        assertThrows(IllegalStateException.class, () -> q.add("h"));
        assertNull(q.select());
        // the rest of the cohort fails too: nothing more happens
        assertEquals(new DestinationQueue.Done<String>(List.of(), false, false), q.done(true, REFUSED));
        q.done(true, REFUSED);
        assertFalse(q.idle());
        // the dead period is over
        q.unthrottle();
        assertEquals(Optional.empty(), q.dead());
        assertEquals(5, q.window());
        assertTrue(q.idle());
    }

    @Test
    void aSuccessInFlightBringsADeadDestinationBack() {
        DestinationQueue<String> q = queue(5, 20, false, "a", "b", "c", "d", "e");
        selectAll(q);
        q.done(true, REFUSED);
        q.done(true, REFUSED);
        assertTrue(q.done(true, REFUSED).died());
        q.done(true, NONE); // "d" got through after all
        assertEquals(Optional.empty(), q.dead());
        assertEquals(2, q.window()); // the deliveries in progress, this one included
        q.add("f");
        assertEquals(List.of("f"), selectAll(q));
    }

    @Test
    void aStatusThatIsNotADsnBecomesFourZeroZero() {
        assertEquals(new HopStatus("4.0.0", "delivery temporarily suspended: lost connection"),
                DestinationQueue.suspendedReason(new HopStatus("x", "lost connection")));
    }

    @Test
    void aRateLimitedDestinationPausesAfterEachDelivery() {
        DestinationQueue<String> q = queue(1, 1, true, "a", "b");
        assertEquals(List.of("a"), selectAll(q));
        DestinationQueue.Done<String> d = q.done(true, NONE);
        assertTrue(d.paused());
        assertTrue(q.suspended());
        assertNull(q.select());
        assertFalse(q.idle());
        q.resume();
        assertEquals(List.of("b"), selectAll(q));
    }

    @Test
    void aRateLimitedDestinationThatDiesIsPausedInstead() {
        DestinationQueue<String> q = queue(1, 1, true, "a", "b");
        selectAll(q);
        DestinationQueue.Done<String> d = q.done(true, REFUSED);
        assertTrue(d.died());
        assertEquals(List.of("b"), d.suspended());
        assertTrue(d.paused());
        assertEquals(Optional.empty(), q.dead());
        q.add("c"); // waits for the end of the pause
        q.resume();
        assertEquals(List.of("c"), selectAll(q));
    }

    record Name(String label, String transport, String nexthop, String recipient, int limit, String delimiters, String expected) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Name> names() {
        return Stream.of(
                new Name("the next hop, lower case", "smtp", "Example.ORG", "Bob@Example.ORG", 50, "+", "example.org"),
                new Name("no limit", "smtp", "[127.0.0.1]:2525", "bob@example.org", 0, "", "[127.0.0.1]:2525"),
                new Name("limit 1: the recipient", "local", "mail.example.com", "Joe@mail.example.com", 1, "", "joe@mail.example.com"),
                new Name("limit 1: without the extension", "local", "mail.example.com", "joe+list@other.example", 1, "+",
                        "joe@mail.example.com"),
                new Name("limit 1: any delimiter of the set", "local", "h", "joe-x+y@h", 1, "+-", "joe@h"),
                new Name("owner- is not split", "local", "h", "owner-list@h", 1, "-", "owner-list@h"),
                new Name("-request is not split", "local", "h", "list-request@h", 1, "-", "list-request@h"),
                new Name("postmaster is never split", "local", "h", "postmaster@h", 1, "t", "postmaster@h"),
                new Name("a leading delimiter is not split", "local", "h", "+x@h", 1, "+", "+x@h"),
                new Name("no domain", "local", "h", "joe", 1, "", "joe@h"),
                new Name("not for retry", "retry", "4.4.1 why", "joe@h", 1, "", "4.4.1 why"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void queueNames(Name n) {
        assertEquals(n.expected(), DestinationQueue.queueName(n.transport(), n.nexthop(), n.recipient(), n.limit(), n.delimiters()));
    }
}
