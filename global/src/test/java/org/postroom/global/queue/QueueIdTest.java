package org.postroom.global.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueIdTest {
    @Test
    void shortFormIsMicrosecondsThenInode() {
        assertEquals("74AB3160019", QueueId.shortForm(0x74AB3, 0x160019).value());
        assertEquals("0000A1", QueueId.shortForm(10, 1).value());
    }

    @Test
    void nastyNamesCannotExist() {
        for (String bad : List.of("", "../etc", "a/b", "a b", "x\n")) assertFalse(QueueId.valid(bad), bad);
        assertThrows(IllegalArgumentException.class, () -> new QueueId("../x"));
        assertTrue(QueueId.valid("flush_dest_1"));
    }

    @Test
    void enterRenameAndHashing(@TempDir Path dir) throws Exception {
        for (QueueName q : QueueName.values()) Files.createDirectories(dir.resolve(q.dir()));
        MailQueue mq = new MailQueue(dir, List.of("deferred", "defer"), 1);
        MailQueue.Entered e = mq.enter(QueueName.INCOMING);
        e.channel().close();
        assertEquals(dir.resolve("incoming").resolve(e.id().value()), e.path());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(e.path())));
        long ino = (Long) Files.getAttribute(e.path(), "unix:ino");
        assertTrue(e.id().value().endsWith(Long.toHexString(ino).toUpperCase()), e.id() + " ends with inode " + ino);
        Path d = mq.rename(e.id(), QueueName.INCOMING, QueueName.DEFERRED);
        assertEquals(dir.resolve("deferred").resolve(e.id().value().substring(0, 1)).resolve(e.id().value()), d);
        assertEquals(List.of(e.id()), mq.list(QueueName.DEFERRED));
        try (var s = Files.list(dir.resolve("incoming"))) {
            assertEquals(0, s.count(), "no temporary file left behind");
        }
    }
}
