package org.postroom.virtual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.config.MainCf;
import org.postroom.global.log.Msg;
import org.postroom.global.mailbox.Chown;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryStatus.Outcome;
import org.postroom.global.proto.deliver.DeliveryStatus;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;
import org.postroom.service.FatalException;
import org.postroom.service.ServiceContext;

/** virtual(8): mailbox lookup, Maildir and mbox below virtual_mailbox_base, owners, failures (spec 7.8). */
class VirtualTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T19:09:35.123456Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;
    Path queueDir;
    private org.postroom.global.proto.bounce.BounceAppend.Listener bounce;

    @org.junit.jupiter.api.AfterEach
    void stopBounce() {
        bounce.close();
    }
    Path base;
    Path log;
    int serial;

    @BeforeEach
    void setUp() throws IOException {
        queueDir = Files.createDirectories(tmp.resolve("queue/active")).getParent();
        bounce = org.postroom.global.proto.bounce.BounceAppend.listen(queueDir);
        base = Files.createDirectories(tmp.resolve("vmail/v2.example"));
        base = base.getParent();
        Files.writeString(tmp.resolve("vmailbox"), """
                ann@v1.example   v1.example/ann/
                bob@v2.example   v2.example/bob
                low@v1.example   v1.example/low/
                @v2.example      v2.example/catchall
                """);
        settled(tmp.resolve("vmailbox"));
        log = tmp.resolve("maillog");
        Msg.init("postfix", "virtual", "mail.example.com", log.toString(), false);
    }

    /** texthash: waits while a file is fresh (it may still be written): make it a minute old. */
    static void settled(Path p) throws IOException {
        Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(60)));
    }

    @AfterEach
    void tearDown() {
        Msg.init("postfix", "virtual", "mail.example.com", "", false);
    }

    private Virtual virtual(String extra) {
        MainCf cfg = MainCf.parse(tmp.resolve("main.cf"), "myhostname = mail.example.com\nmydomain = example.com\n"
                + "queue_directory = " + queueDir + "\n"
                + "virtual_mailbox_base = " + base + "\n"
                + "virtual_mailbox_maps = texthash:" + tmp.resolve("vmailbox") + "\n"
                + "virtual_uid_maps = inline:{ low@v1.example=99 }, static:5000\n"
                + "virtual_gid_maps = static:5000\n"
                + "recipient_delimiter = +\ndeliver_lock_attempts = 2\n" + extra, Map.of(), w -> {});
        return new Virtual(new ServiceContext(cfg, "virtual", "unix", 2, false), CLOCK, new Chown(false), "vm");
    }

    private DeliverRequest request(String orig, String rcpt, List<String> lines) throws IOException {
        String id = "2B3C4D" + (++serial);
        Path file = queueDir.resolve("active").resolve(id);
        long offset;
        long dataOffset;
        try (OutputStream os = Files.newOutputStream(file)) {
            RecordWriter w = new RecordWriter(os);
            w.put(RecordType.FROM, "alice@example.org");
            if (!orig.isEmpty()) w.put(RecordType.ORCP, orig);
            offset = w.put(RecordType.RCPT, rcpt);
            w.put(RecordType.MESG, "");
            dataOffset = w.offset();
            for (String l : lines) w.put(RecordType.NORM, l);
            w.put(RecordType.XTRA, "");
            w.put(RecordType.END, "");
        }
        long now = CLOCK.millis();
        return new DeliverRequest(QueueName.ACTIVE, new QueueId(id), dataOffset, 100, "v1.example", "", "alice@example.org",
                now - 2000, now - 1000, "localhost", "127.0.0.1", List.of(new DeliverRequest.Recipient(offset, orig, rcpt)));
    }

    static final List<String> SIMPLE = List.of("Subject: hi", "", "From the body");

    private DeliveryStatus deliver(String orig, String rcpt) throws IOException {
        return virtual("").deliver(request(orig, rcpt, SIMPLE)).getFirst();
    }

    private String maillog() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private char recordType(DeliverRequest r, long offset) throws IOException {
        return (char) Files.readAllBytes(queueDir.resolve("active").resolve(r.queueId().value()))[(int) offset];
    }

    private static List<Path> newFiles(Path maildir) throws IOException {
        try (Stream<Path> s = Files.list(maildir.resolve("new"))) {
            return new ArrayList<>(s.toList());
        }
    }

    @Test
    void maildirWithExtension() throws IOException {
        DeliveryStatus s = deliver("ann+tag@v1.example", "ann+tag@v1.example");
        assertEquals(new DeliveryStatus(s.offset(), Outcome.SENT, "2.0.0", "delivered to maildir"), s);
        List<Path> files = newFiles(base.resolve("v1.example/ann"));
        assertEquals(1, files.size());
        assertEquals("Return-Path: <alice@example.org>\nX-Original-To: ann+tag@v1.example\nDelivered-To: ann+tag@v1.example\n"
                + "Subject: hi\n\nFrom the body\n", Files.readString(files.getFirst(), StandardCharsets.UTF_8));
        assertTrue(maillog().contains("to=<ann+tag@v1.example>, relay=virtual, delay=2, delays=1/1/0/0, dsn=2.0.0, "
                + "status=sent (delivered to maildir)"), maillog());
    }

    @Test
    void mboxAndCatchAll() throws IOException {
        assertEquals("delivered to mailbox", deliver("", "Bob@V2.example").reason());
        String box = Files.readString(base.resolve("v2.example/bob"), StandardCharsets.UTF_8);
        assertEquals("From alice@example.org  Sat Nov 21 19:09:35 2026\nReturn-Path: <alice@example.org>\n"
                + "Delivered-To: bob@v2.example\nSubject: hi\n\n>From the body\n\n", box);
        assertEquals("delivered to mailbox", deliver("", "anyone@v2.example").reason());
        assertTrue(Files.readString(base.resolve("v2.example/catchall")).contains("Delivered-To: anyone@v2.example\n"));
    }

    @Test
    void unknownUserBounces() throws IOException {
        DeliverRequest r = request("", "nobody@v1.example", SIMPLE);
        DeliveryStatus s = virtual("").deliver(r).getFirst();
        assertEquals(new DeliveryStatus(s.offset(), Outcome.BOUNCED, "5.1.1", "unknown user: \"nobody@v1.example\""), s);
        assertEquals('D', recordType(r, s.offset()));
    }

    @Test
    void lowUidAndTableTroubleDefer() throws IOException {
        DeliverRequest r = request("", "low@v1.example", SIMPLE);
        DeliveryStatus s = virtual("").deliver(r).getFirst();
        assertEquals(new DeliveryStatus(s.offset(), Outcome.DEFERRED, "4.3.5", "mail system configuration error"), s);
        assertEquals('R', recordType(r, s.offset()));
        assertTrue(maillog().contains("warning: recipient low@v1.example: bad uid 99 in virtual_uid_maps"), maillog());
        r = request("", "ann@v1.example", SIMPLE);
        s = virtual("virtual_mailbox_maps = fail:vmailbox\n").deliver(r).getFirst();
        assertEquals(new DeliveryStatus(s.offset(), Outcome.DEFERRED, "4.3.5", "mail system configuration error"), s);
        s = virtual("virtual_gid_maps = inline:{ x=1 }\n").deliver(request("", "ann@v1.example", SIMPLE)).getFirst();
        assertEquals(Outcome.DEFERRED, s.outcome());
        assertTrue(maillog().contains("warning: recipient ann@v1.example: not found in virtual_gid_maps"), maillog());
    }

    @Test
    void missingTableDefersUntilItExists() throws IOException {
        Path later = tmp.resolve("later");
        Virtual v = virtual("virtual_mailbox_maps = texthash:" + later + "\n");
        assertEquals(Outcome.DEFERRED, v.deliver(request("", "ann@v1.example", SIMPLE)).getFirst().outcome());
        Files.writeString(later, "ann@v1.example v1.example/ann/\n");
        settled(later);
        assertEquals(Outcome.SENT, v.deliver(request("", "ann@v1.example", SIMPLE)).getFirst().outcome());
    }

    @Test
    void deliveredToLoopBounces() throws IOException {
        DeliverRequest r = request("", "ann@v1.example", List.of("Delivered-To: ann@v1.example", "Subject: x", "", "b"));
        DeliveryStatus s = virtual("").deliver(r).getFirst();
        assertEquals(new DeliveryStatus(s.offset(), Outcome.BOUNCED, "5.4.6", "mail forwarding loop for ann@v1.example"), s);
    }

    @Test
    void configurationErrorsAreFatalWhenVirtualIsUsed() throws IOException {
        Virtual relative = virtual("virtual_mailbox_base = relative\n"); // starting is fine: nothing may be routed here
        FatalException r = assertThrows(FatalException.class, relative::checkUsable);
        assertEquals("do not specify relative pathname: virtual_mailbox_base = relative", r.getMessage());
        FatalException e = assertThrows(FatalException.class, () -> virtual("virtual_mailbox_limit = 1000\n").checkUsable());
        assertEquals("configuration error: virtual_mailbox_limit is smaller than message_size_limit", e.getMessage());
    }
}
