package org.postroom.global.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Maildir failures as local/maildir.c words them: "maildir delivery failed: ", and x-unix for a failed write. */
class MaildirTest {
    @TempDir
    Path tmp;

    private Message message() throws IOException {
        return QueuedMessage.write(tmp.resolve("qfile"), "alice@example.org", List.of("Subject: hi", "", "a body longer than the limit"));
    }

    @Test
    void tooLargeIsAWriteError() throws IOException {
        Path dir = tmp.resolve("Maildir");
        Verdict v = new Maildir(20, new Chown(false), "vm").deliver(dir, new Owner(1000, 1000), message(), "", null,
                QueuedMessage.NOW.toInstant());
        assertEquals(Verdict.bounce("5.2.2", "maildir delivery failed: error writing message: File too large").unix("input/output error"), v);
        try (var s = Files.list(dir.resolve("tmp"))) {
            assertEquals(0, s.count(), "the tmp file is removed");
        }
    }

    @Test
    void tmpFileIsNamedAsPostfix() {
        Path f = new Maildir(0, new Chown(false), "v:m").tmpFile(tmp, QueuedMessage.NOW.toInstant());
        assertEquals(tmp.resolve("tmp"), f.getParent());
        assertTrue(f.getFileName().toString().matches("1795288175\\.P\\d+\\.v\\\\072m"), f.toString());
    }
}
