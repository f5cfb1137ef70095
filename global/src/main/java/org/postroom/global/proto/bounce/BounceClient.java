package org.postroom.global.proto.bounce;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.ipc.IpcChannel;
import org.postroom.global.ipc.ProtocolException;

/**
 * Requests to bounce(8) (bounce_clnt.c, defer_clnt.c, trace_clnt.c). One program serves three
 * private sockets, and the socket names the log a request is about: {@code bounce} (permanent
 * failures), {@code defer} (delays) and {@code trace} (success and verify reports). The server greets
 * with {@code protocol=bounce_protocol}; a request carries {@code nrequest} (Postfix's BOUNCE_CMD_*
 * numbers) and its attributes; the answer is {@code status}: 0 done, -1 failed.
 *
 * <ul>
 *   <li>append: one recipient's entry is added to the log (bounce_append, defer_append, trace_append);
 *       the server fsyncs it before answering, so a recipient is marked done only once its entry is
 *       on disk.</li>
 *   <li>flush: the notice made from the log goes to the sender (bounce: the non-delivery report; defer:
 *       the report for an expired message) and the log is removed.</li>
 *   <li>warn: the delay warning made from the defer log; the log stays.</li>
 *   <li>trace: the success or verify report made from the trace log, which is then removed.</li>
 * </ul>
 */
public final class BounceClient {
    public static final String PROTOCOL = "bounce_protocol";
    public static final String NREQUEST = "nrequest";
    /** bounce.h */
    public static final int CMD_APPEND = 0;
    public static final int CMD_FLUSH = 1;
    public static final int CMD_WARN = 2;
    public static final int CMD_TRACE = 5;
    public static final int STAT_OK = 0;
    public static final int STAT_FAIL = -1;
    /** How long an agent waits for an append (one small fsynced write on the server). */
    public static final Duration TIMEOUT = Duration.ofSeconds(100);

    /** BOUNCE_FLAG_KEEP: the queue file stays (qmgr removes it); the only flag qmgr uses. */
    public static final int FLAG_KEEP = 1 << 0;

    /** DSN NOTIFY bits (dsn_mask.h), as notify_flags holds them; 0 means "not given" (FAILURE and DELAY). */
    public static final int NOTIFY_NEVER = 1;
    public static final int NOTIFY_SUCCESS = 2;
    public static final int NOTIFY_DELAY = 8;
    public static final int NOTIFY_FAILURE = 4;

    /** The three services, named as in master.cf and as their log directories. */
    public enum Service {
        BOUNCE, DEFER, TRACE;

        public String serviceName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Service of(String name) {
            for (Service s : values()) if (s.serviceName().equals(name)) return s;
            throw new IllegalArgumentException("not a bounce service: " + name);
        }
    }

    /** What a flush, warn or trace request says about the message. */
    public record MessageInfo(String queueName, String queueId, String encoding, int sendopts, String sender, String envid, int ret) {}

    private BounceClient() {}

    /** Appends {@code e} to the {@code service} log of {@code queueId}; true when it is on disk. */
    public static boolean append(Path queueDirectory, Service service, String queueId, BounceLog.Entry e, Duration timeout) {
        Attrs.Builder b = Attrs.builder().put(NREQUEST, CMD_APPEND).put(AttrNames.FLAGS, 0).put(AttrNames.QUEUE_ID, queueId);
        entry(b, e);
        return call(queueDirectory, service, b.build(), timeout) == STAT_OK;
    }

    /** The notice for the {@code service} log of the message (flush, warn or trace); true when it was sent. */
    public static boolean notify(Path queueDirectory, Service service, int command, int flags, MessageInfo m, Duration timeout) {
        Attrs.Builder b = Attrs.builder().put(NREQUEST, command).put(AttrNames.FLAGS, flags).put(AttrNames.QUEUE_NAME, m.queueName())
                .put(AttrNames.QUEUE_ID, m.queueId()).put(AttrNames.ENCODING, m.encoding()).put(AttrNames.SENDOPTS, m.sendopts())
                .put(AttrNames.SENDER, m.sender()).put(AttrNames.DSN_ENVID, m.envid()).put(AttrNames.DSN_RET, m.ret());
        return call(queueDirectory, service, b.build(), timeout) == STAT_OK;
    }

    /** The entry's attributes, as rcpt_print() and dsn_print() send them. */
    static void entry(Attrs.Builder b, BounceLog.Entry e) {
        b.put(AttrNames.ORIG_RCPT, e.originalRecipient()).put(AttrNames.RECIPIENT, e.recipient()).put(AttrNames.OFFSET, e.offset())
                .put(AttrNames.DSN_ORCPT, e.dsnOrigRcpt()).put(AttrNames.DSN_NOTIFY, e.notifyFlags())
                .put(AttrNames.STATUS, e.status()).put("diag_type", e.diagType()).put("diag_text", e.diagText())
                .put("mta_type", e.mtaType()).put("mta_mname", e.mtaName()).put(AttrNames.ACTION, e.action())
                .put(AttrNames.REASON, e.reason());
    }

    /** The entry of an append request. */
    public static BounceLog.Entry entry(Attrs a) throws ProtocolException {
        Map<String, String> m = new java.util.HashMap<>();
        for (Map.Entry<String, String> x : a.entries()) m.put(x.getKey(), x.getValue());
        String rcpt = m.get(AttrNames.RECIPIENT);
        String status = m.get(AttrNames.STATUS);
        if (rcpt == null || status == null || !status.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) throw new ProtocolException("bad append request");
        long offset;
        int notify;
        try {
            offset = Long.parseLong(m.getOrDefault(AttrNames.OFFSET, "-1"));
            notify = Integer.parseInt(m.getOrDefault(AttrNames.DSN_NOTIFY, "0"));
        } catch (NumberFormatException ex) {
            throw new ProtocolException("bad number in append request");
        }
        return new BounceLog.Entry(rcpt, m.getOrDefault(AttrNames.ORIG_RCPT, rcpt), offset, m.getOrDefault(AttrNames.DSN_ORCPT, ""), notify,
                status, m.getOrDefault(AttrNames.ACTION, ""), m.getOrDefault("diag_type", ""), m.getOrDefault("diag_text", ""),
                m.getOrDefault("mta_type", ""), m.getOrDefault("mta_mname", ""), m.getOrDefault(AttrNames.REASON, ""));
    }

    private static int call(Path queueDirectory, Service service, Attrs request, Duration timeout) {
        try (IpcChannel ch = IpcChannel.connect(queueDirectory.resolve("private").resolve(service.serviceName()), Duration.ofSeconds(10))) {
            ch.deadline(timeout);
            ch.attrReader().read().expect(AttrNames.PROTOCOL, PROTOCOL);
            ch.attrWriter().write(request);
            return ch.attrReader().read().requireInt(AttrNames.STATUS);
        } catch (IOException | RuntimeException e) {
            return STAT_FAIL;
        }
    }
}
