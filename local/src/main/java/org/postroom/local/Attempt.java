package org.postroom.local;

import java.time.ZonedDateTime;
import java.util.Set;
import org.postroom.global.mailbox.Message;
import org.postroom.global.mailbox.Verdict;

/**
 * One attempt to deliver one recipient of a request: the message and request facts every destination
 * needs, the duplicate filter shared by the request's recipients, and the worst result so far. Each final
 * result is handed to the {@link Log} as it happens (one log line per destination, as in Postfix).
 */
final class Attempt {

    /** Receives each final result for a destination: the to= address and the verdict. */
    @FunctionalInterface
    interface Log {
        void result(String to, Verdict v);
    }

    private final Message message;
    private final String originalRecipient;
    private final String clientName;
    private final String clientAddress;
    private final ZonedDateTime now;
    private final Privileges privileges;
    private final Set<String> done;
    private final Log log;
    private final boolean probe;
    private final Forwarder forwarder = new Forwarder();
    private Verdict result;

    Attempt(Message message, String originalRecipient, String clientName, String clientAddress, ZonedDateTime now,
            Privileges privileges, Set<String> done, Log log, boolean probe) {
        this.message = message;
        this.originalRecipient = originalRecipient;
        this.clientName = clientName;
        this.clientAddress = clientAddress;
        this.now = now;
        this.privileges = privileges;
        this.done = done;
        this.log = log;
        this.probe = probe;
    }

    /**
     * An address probe (sendmail -bv, DEL_REQ_TRACE_ONLY): every destination reports what it would do
     * ("delivers to mailbox", "forwards to ADDR", ...) and nothing is delivered or forwarded.
     */
    boolean probe() {
        return probe;
    }

    Message message() {
        return message;
    }

    String originalRecipient() {
        return originalRecipient;
    }

    String clientName() {
        return clientName;
    }

    String clientAddress() {
        return clientAddress;
    }

    ZonedDateTime now() {
        return now;
    }

    Privileges privileges() {
        return privileges;
    }

    /** True when a destination with this key was already delivered to for this request (been_here). */
    boolean done(String key) {
        return done.contains(key);
    }

    /** been_here: true the first time {@code key} is seen in this request (the key is remembered). */
    boolean firstTime(String key) {
        return done.add(key);
    }

    /** Queues an address for resubmission as a new message (deliver_indirect). */
    void forward(String delivered, String sender, String orig, String address) {
        forwarder.append(delivered, sender, orig, address);
    }

    /** forward_finish: sends the queued new messages and reports each as a result for {@code to}. */
    void finishForwarding(Forwarder.Submitter submitter, Forwarder.Origin origin, String to) {
        if (forwarder.isEmpty()) return;
        for (Verdict v : forwarder.finish(submitter, message, origin, now)) leaf(to, v, null);
    }

    /** Records a final result; a successful delivery marks {@code key} (if any) as done. */
    void leaf(String to, Verdict v, String key) {
        log.result(to, v);
        result = result == null ? v : result.worse(v);
        if (key != null && v.outcome() == org.postroom.global.proto.deliver.DeliveryStatus.Outcome.SENT) done.add(key);
    }

    /** The recipient's status: the worst result, or sent when every destination was a duplicate. */
    Verdict result() {
        return result != null ? result : Verdict.sent("duplicate delivery suppressed");
    }
}
