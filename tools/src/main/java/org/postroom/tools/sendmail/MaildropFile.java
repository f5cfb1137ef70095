package org.postroom.tools.sendmail;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.global.record.RecordWriter;

/**
 * One file being written into maildrop (postdrop.c). It is created by queue ID with mode 0600, so pickup
 * ignores it until {@link #commit()} has fsynced it and set mode 0744 (owner rwx = ready; the rest may
 * read it, because pickup runs as mail_owner and the submitter owns the file). A file that is closed
 * without a commit, or whose process is killed first, is removed.
 */
final class MaildropFile implements AutoCloseable {
    static final Set<PosixFilePermission> MODE_READY = PosixFilePermissions.fromString("rwxr--r--");

    private final MailQueue.Entered entered;
    private final BufferedOutputStream out;
    private final RecordWriter records;
    private final Thread remover;
    private volatile boolean committed;
    private boolean done;

    private MaildropFile(MailQueue.Entered entered) {
        this.entered = entered;
        this.out = new BufferedOutputStream(Channels.newOutputStream(entered.channel()), 65536);
        this.records = new RecordWriter(out);
        this.remover = new Thread(() -> {
            if (!committed) removeQuietly();
        }, "maildrop-cleanup");
        Runtime.getRuntime().addShutdownHook(remover);
    }

    static MaildropFile create(MailQueue queue) throws IOException {
        return new MaildropFile(queue.enter(QueueName.MAILDROP));
    }

    QueueId id() {
        return entered.id();
    }

    Path path() {
        return entered.path();
    }

    RecordWriter records() {
        return records;
    }

    /** Makes the file durable and ready for pickup. */
    void commit() throws IOException {
        records.flush();
        entered.channel().force(true);
        Files.setPosixFilePermissions(entered.path(), MODE_READY);
        entered.channel().close();
        committed = true;
        done = true;
        unhook();
    }

    @Override
    public void close() {
        if (done) return;
        done = true;
        removeQuietly();
        unhook();
    }

    private void removeQuietly() {
        try {
            entered.channel().close();
        } catch (IOException e) {
            // removing it anyway
        }
        try {
            Files.deleteIfExists(entered.path());
        } catch (IOException e) {
            // nothing more can be done; pickup ignores files that are not ready
        }
    }

    private void unhook() {
        try {
            Runtime.getRuntime().removeShutdownHook(remover);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs, and leaves a committed file alone
        }
    }
}
