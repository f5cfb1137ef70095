package org.postroom.tools.postsuper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.global.record.Record;
import org.postroom.global.record.RecordReader;
import org.postroom.tools.testing.TestQueue;

/** postsuper's operations on a queue that no mail system runs on: per ID, ALL, and requeue's file format. */
class MessageOpsTest {
    @TempDir Path tmp;

    private TestQueue q;
    private QueueFiles files;
    private MessageOps ops;
    private Counts counts;
    private Sweep sweep;

    private void setUp() throws IOException {
        q = new TestQueue(tmp);
        q.load("""
                deferred 74AB3160019 1795288289 alice@example.org | bob@remote.example.net,carol@remote.example.net | refused
                deferred 783EF160018 1795288289 <> | dave@nowhere.invalid | refused
                incoming 5BA1716001C 1795288307 alice@example.org | bob@remote.example.net |
                """);
        files = new QueueFiles(q.queue, -1, -1, false);
        ActiveGuard guard = new ActiveGuard(tmp);
        ops = new MessageOps(files, guard, new Requeuer(files, 8192));
        counts = new Counts();
        sweep = new Sweep(files, EnumSet.of(QueueName.DEFERRED, QueueName.DEFER), 1, counts, ops, guard);
    }

    @Test
    void holdReleaseDelete() throws IOException {
        setUp();
        List<QueueName> hold = Postsuper.HOLD_QUEUES;
        assertEquals(1, ops.apply(MessageOps.Op.HOLD, hold, "74AB3160019"));
        assertTrue(Files.exists(tmp.resolve("hold/74AB3160019")));
        assertEquals(0, ops.apply(MessageOps.Op.HOLD, hold, "74AB3160019"), "already on hold");
        assertEquals(0, ops.apply(MessageOps.Op.HOLD, hold, "bad/id"), "invalid ID");
        assertEquals(1, ops.apply(MessageOps.Op.RELEASE, Postsuper.RELEASE_QUEUES, "74AB3160019"));
        assertTrue(Files.exists(tmp.resolve("deferred/7/74AB3160019")), "released into deferred");
        assertEquals(0, ops.apply(MessageOps.Op.DELETE, Postsuper.DEFAULT_QUEUES, "NOSUCH"));
        assertEquals(3, count());
        assertEquals(1, ops.apply(MessageOps.Op.DELETE, Postsuper.DEFAULT_QUEUES, "783EF160018"));
        assertFalse(Files.exists(tmp.resolve("defer/7/783EF160018")), "defer log removed with the message");
        assertEquals(2, count());
    }

    @Test
    void allOperationsPerQueue() throws IOException {
        setUp();
        sweep.run(List.of(QueueName.DEFERRED), Sweep.HOLD_ALL);
        assertEquals(2, counts.held);
        assertTrue(Files.exists(tmp.resolve("incoming/5BA1716001C")), "other queues untouched");
        sweep.run(List.of(QueueName.HOLD), Sweep.RELEASE_ALL);
        assertEquals(2, counts.released);
        sweep.run(Postsuper.DEFAULT_QUEUES, Sweep.DELETE_ALL);
        assertEquals(3, counts.deleted);
        assertEquals(0, count());
    }

    @Test
    void forceExpireSetsTheMarkOnceAndReleasesWithF() throws IOException {
        setUp();
        List<QueueName> where = MessageOps.EXPIRE_QUEUES;
        Path deferred = tmp.resolve("deferred/7/74AB3160019");
        assertEquals(1, ops.apply(MessageOps.Op.EXPIRE, where, "74AB3160019"));
        assertEquals("rwx--x---", mode(deferred));
        assertTrue(org.postroom.global.queue.MailQueue.isReady(deferred), "still ready for qmgr");
        assertEquals(0, ops.apply(MessageOps.Op.EXPIRE, where, "74AB3160019"), "already expired");
        assertEquals(0, ops.apply(MessageOps.Op.EXPIRE, where, "NOSUCH"));
        // -f on a held message: expired, then released
        assertEquals(1, ops.apply(MessageOps.Op.HOLD, Postsuper.HOLD_QUEUES, "783EF160018"));
        assertEquals(new MessageOps.ExpireRelease(1, 1), ops.expireRelease(where, "783EF160018", true));
        assertEquals("rwx--x---", mode(tmp.resolve("deferred/7/783EF160018")));
        assertEquals(new MessageOps.ExpireRelease(0, 0), ops.expireRelease(where, "783EF160018", true));
        // ALL: only what is not marked yet; -f ALL also releases
        assertEquals(1, ops.apply(MessageOps.Op.HOLD, Postsuper.HOLD_QUEUES, "5BA1716001C"));
        sweep.run(where, Sweep.EXPIRE_RELEASE_ALL);
        assertEquals(1, counts.expired);
        assertEquals(1, counts.released);
        assertEquals("rwx--x---", mode(tmp.resolve("deferred/5/5BA1716001C")));
    }

    private static String mode(Path p) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void requeueWritesWhatPickupAccepts() throws IOException {
        setUp();
        assertEquals(1, ops.apply(MessageOps.Op.REQUEUE, Postsuper.DEFAULT_QUEUES, "74AB3160019"));
        Path m = tmp.resolve("maildrop/74AB3160019");
        assertTrue(Files.exists(m));
        assertFalse(Files.exists(tmp.resolve("deferred/7/74AB3160019")));
        assertFalse(Files.exists(tmp.resolve("defer/7/74AB3160019")));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(m)));
        assertEquals(1795288289L, Files.getLastModifiedTime(m).toMillis() / 1000, "arrival time kept as mtime");
        StringBuilder types = new StringBuilder();
        List<String> rcpts = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(m))) {
            RecordReader r = new RecordReader(in);
            for (Record rec = r.next(0); rec != null; rec = r.next(0)) {
                types.append(rec.type().code);
                if (rec.type().code == 'R') rcpts.add(rec.text());
            }
        }
        // postdrop's record set (envelope T A F S R, content N/L, extracted, end) and each recipient's original address
        assertEquals("TAFSORORMNNNLNNNNXE", types.toString());
        assertEquals(List.of("bob@remote.example.net", "carol@remote.example.net"), rcpts);
    }

    private int count() throws IOException {
        int n = 0;
        for (QueueName qn : List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED, QueueName.HOLD, QueueName.MAILDROP)) {
            for (QueueId id : q.queue.list(qn)) n += id == null ? 0 : 1;
        }
        return n;
    }
}
