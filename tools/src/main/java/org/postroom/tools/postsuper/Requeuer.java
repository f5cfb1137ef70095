package org.postroom.tools.postsuper;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.global.record.Record;
import org.postroom.global.record.RecordException;
import org.postroom.global.record.RecordReader;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;

/**
 * Rewrites a queue file as a maildrop file that pickup(8) accepts (the record set sendmail writes, spec
 * 3.4, plus each recipient's original address, which pickup takes only from mail_owner's files):
 * {@code T A F S [A] [O] R... M N/L... X [O] R... E}. Done and cancelled recipients are left out; the
 * arrival time is kept (as the file's mtime, which pickup uses); the file is owned by mail_owner with mode
 * 0700 and named by the old queue ID, so that pickup logs {@code orig_id=OLDID}. Other internal records
 * (content filter, redirect, delay warnings, DSN records cleanup does not keep) are not carried over.
 */
final class Requeuer {
    private final QueueFiles files;
    private final int maxRecord;

    Requeuer(QueueFiles files, int maxRecord) {
        this.files = files;
        this.maxRecord = maxRecord;
    }

    /** Writes maildrop/ID from {@code source}; returns false when no recipient is left to deliver. */
    boolean write(QueueId id, Path source) throws IOException {
        MailQueue q = files.queue();
        Path maildrop = q.dir(QueueName.MAILDROP);
        Path tmp = maildrop.resolve(id.value() + "." + ProcessHandle.current().pid());
        long arrival = -1;
        int live = 0;
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
             FileChannel outCh = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                     PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            InputStream is = new BufferedInputStream(Channels.newInputStream(in), 65536);
            BufferedOutputStream os = new BufferedOutputStream(Channels.newOutputStream(outCh), 65536);
            RecordReader r = new RecordReader(is);
            RecordWriter w = new RecordWriter(os);
            Segment seg = Segment.ENVELOPE;
            String notify = null;
            byte[] orig = null;
            boolean encoding = false;
            for (Record rec = r.next(maxRecord); ; rec = r.next(maxRecord)) {
                if (rec == null) throw new RecordException("premature end of queue file " + source);
                RecordType t = rec.type();
                if (t == RecordType.END) break;
                switch (seg) {
                    case ENVELOPE -> {
                        switch (t) {
                            case TIME -> {
                                w.put(t, rec.data());
                                arrival = seconds(rec.text());
                            }
                            case FULL, FROM -> w.put(t, rec.data());
                            case ATTR -> {
                                String a = rec.text();
                                if (a.startsWith("notify_flags=")) notify = a;
                                else if (a.startsWith("rewrite_context=") || a.startsWith("envid=")) w.put(t, rec.data());
                                else if (a.startsWith("encoding=") && !encoding) {
                                    encoding = true;
                                    w.put(t, rec.data());
                                }
                            }
                            case ORCP -> orig = rec.data();
                            case RCPT -> {
                                if (notify != null) w.attr("notify_flags", notify.substring(notify.indexOf('=') + 1));
                                notify = null;
                                if (orig != null) w.put(RecordType.ORCP, orig);
                                orig = null;
                                w.put(t, rec.data());
                                live++;
                            }
                            case DONE, DRCP -> {
                                notify = null;
                                orig = null;
                            }
                            case MESG -> {
                                w.put(t, rec.data());
                                seg = Segment.CONTENT;
                            }
                            default -> { }
                        }
                    }
                    case CONTENT -> {
                        if (t == RecordType.NORM || t == RecordType.CONT) w.put(t, rec.data());
                        else if (t == RecordType.XTRA) {
                            w.put(t, rec.data());
                            seg = Segment.EXTRACTED;
                        }
                    }
                    case EXTRACTED -> {
                        if (t == RecordType.ORCP) orig = rec.data();
                        else if (t == RecordType.DONE || t == RecordType.DRCP) orig = null;
                        else if (t == RecordType.RCPT) {
                            if (orig != null) w.put(RecordType.ORCP, orig);
                            orig = null;
                            w.put(t, rec.data());
                            live++;
                        }
                    }
                }
            }
            if (seg != Segment.EXTRACTED) throw new RecordException("no extracted segment in " + source);
            w.put(RecordType.END, "");
            os.flush();
            outCh.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (live == 0) {
            Files.deleteIfExists(tmp);
            return false;
        }
        if (files.chown()) {
            Files.setAttribute(tmp, "unix:uid", files.ownerUid());
            Files.setAttribute(tmp, "unix:gid", files.ownerGid());
        }
        if (arrival > 0) Files.setLastModifiedTime(tmp, FileTime.fromMillis(arrival * 1000));
        Files.setPosixFilePermissions(tmp, MailQueue.MODE_READY);
        Path target = maildrop.resolve(id.value());
        for (int n = 1; Files.exists(target); n++) target = maildrop.resolve(id.value() + "_" + n);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        MailQueue.syncDirectory(maildrop);
        return true;
    }

    private enum Segment { ENVELOPE, CONTENT, EXTRACTED }

    private static long seconds(String t) {
        String v = t.strip();
        int sp = v.indexOf(' ');
        try {
            return Long.parseLong(sp < 0 ? v : v.substring(0, sp));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
