package org.postroom.flush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.config.MainCf;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.log.Msg;
import org.postroom.global.proto.flush.FlushClient;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;
import org.postroom.service.ServiceContext;

/** flush(8)'s requests on a queue no mail system runs on (qmgr is not there to wake: that is not an error). */
class FlushTest {
    @TempDir Path dir;
    private Flush flush;

    @BeforeEach
    void setUp() throws IOException {
        for (String d : List.of("incoming", "deferred/A", "deferred/B", "public")) Files.createDirectories(dir.resolve(d));
        Msg.init("postfix", "flush", "mail.example.com", "", false);
        MainCf cfg = MainCf.parse(dir.resolve("main.cf"), "queue_directory = " + dir + "\nfast_flush_domains = example.net\n"
                + "trigger_timeout = 1s\n", java.util.Map.of(), w -> { });
        flush = new Flush(new ServiceContext(cfg, "flush", "unix", 0, true));
        deferred("A1B2C3D4E5", "bob@remote.example.net");
        deferred("B1B2C3D4E5", "carol@other.example");
    }

    @Test
    void sendSiteMovesOnlyThatSitesMailAndOnlyForFastFlushDomains() {
        assertEquals(FlushClient.STAT_DENY, request(FlushClient.SEND_SITE, FlushClient.SITE, "other.example"));
        assertEquals(FlushClient.STAT_BAD, request(FlushClient.SEND_SITE, FlushClient.SITE, "../etc"));
        assertEquals(FlushClient.STAT_OK, request(FlushClient.SEND_SITE, FlushClient.SITE, "Remote.Example.NET"),
                "a subdomain of a fast_flush_domains entry (parent_domain_matches_subdomains)");
        assertTrue(Files.exists(dir.resolve("incoming/A1B2C3D4E5")));
        assertTrue(Files.exists(dir.resolve("deferred/B/B1B2C3D4E5")), "another site's mail stays");
    }

    @Test
    void sendFileMovesOneDeferredMessage() throws IOException {
        long before = Files.getLastModifiedTime(dir.resolve("deferred/B/B1B2C3D4E5")).toMillis();
        assertEquals(FlushClient.STAT_OK, request(FlushClient.SEND_FILE, AttrNames.QUEUE_ID, "B1B2C3D4E5"));
        Path moved = dir.resolve("incoming/B1B2C3D4E5");
        assertTrue(Files.exists(moved));
        assertTrue(Files.getLastModifiedTime(moved).toMillis() > before, "time stamp set to now");
        assertEquals(FlushClient.STAT_OK, request(FlushClient.SEND_FILE, AttrNames.QUEUE_ID, "B1B2C3D4E5"), "no longer deferred: not an error");
        assertEquals(FlushClient.STAT_BAD, request(FlushClient.SEND_FILE, AttrNames.QUEUE_ID, "../../etc/passwd"));
        assertEquals(FlushClient.STAT_BAD, request("bogus", AttrNames.QUEUE_ID, "x"));
        assertEquals(FlushClient.STAT_OK, request("refresh", AttrNames.QUEUE_ID, "x"));
        assertFalse(Files.exists(dir.resolve("deferred/B/B1B2C3D4E5")));
    }

    private int request(String what, String name, String value) {
        return flush.handle(Attrs.builder().put(AttrNames.REQUEST, what).put(name, value).build());
    }

    /** A deferred queue file (ready, with a correct C record) for one recipient. */
    private void deferred(String id, String rcpt) throws IOException {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        RecordWriter w = new RecordWriter(rest, 97); // after the C record: one type byte, one length byte, 95 of data
        w.put(RecordType.TIME, "1795288289 0");
        w.put(RecordType.FROM, "a@example.org");
        w.put(RecordType.RCPT, rcpt);
        w.put(RecordType.MESG, "");
        long data = w.offset();
        w.put(RecordType.NORM, "Subject: x");
        long length = w.offset() - data;
        w.put(RecordType.XTRA, "");
        w.put(RecordType.END, "");
        Path p = dir.resolve("deferred").resolve(id.substring(0, 1)).resolve(id);
        try (OutputStream os = Files.newOutputStream(p)) {
            new RecordWriter(os).put(RecordType.SIZE, String.format("%15d %15d %15d %15d %15d %15d", length, data, 1, 0, length, 0));
            rest.writeTo(os);
        }
        Files.setPosixFilePermissions(p, MailQueue.MODE_READY);
        Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
    }
}
