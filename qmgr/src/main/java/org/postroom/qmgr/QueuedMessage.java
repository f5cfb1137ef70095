package org.postroom.qmgr;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.postroom.global.proto.deliver.TraceFlags;
import org.postroom.global.queue.QueueId;
import org.postroom.global.record.Record;
import org.postroom.global.record.RecordException;
import org.postroom.global.record.RecordReader;
import org.postroom.global.record.RecordType;

/**
 * A message as qmgr sees it (qmgr_message.c): the envelope, read from the queue file without touching
 * the content. Recipients already marked done (D) are skipped, so a crash never delivers them twice.
 * {@code traceFlags} are those of the first trace_flags record ({@link TraceFlags}: sendmail -bv, -v);
 * {@code traceFlagsOffset} is that record's offset when it asks for RECORD only, so that it can be killed
 * once the report of the first delivery attempt is sent (-1 otherwise).
 */
record QueuedMessage(QueueId id, String sender, long arrivalMillis, long createSeconds, long dataOffset, long size,
                     int totalRecipients, String clientName, String clientAddress, String encoding, List<Recipient> recipients,
                     String dsnEnvid, int dsnRet, int sendopts, long warnSeconds, long warnOffset, int traceFlags,
                     long traceFlagsOffset) {

    /** Whether a recipient asked for a success report (NOTIFY=SUCCESS): the trace log is flushed at the end. */
    boolean anyNotifySuccess() {
        return recipients.stream().anyMatch(r -> (r.dsnNotify() & 2) != 0);
    }

    /** A recipient still to be delivered, with its DSN ORCPT ("type;address" or "") and NOTIFY bits (0: none given). */
    record Recipient(long offset, String original, String address, String dsnOrcpt, int dsnNotify) {
        Recipient withAddress(String a) {
            return new Recipient(offset, original, a, dsnOrcpt, dsnNotify);
        }
    }

    static QueuedMessage load(QueueId id, Path file, int maxRecord) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            RecordReader r = new RecordReader(new BufferedInputStream(Channels.newInputStream(ch), 16384));
            String sender = null, clientName = "", clientAddr = "", encoding = "", envid = "", orcpt = "";
            int ret = 0, sendopts = 0, notify = 0;
            long arrival = -1, create = -1, dataOffset = -1, size = 0, contentLength = -1, warn = 0, warnOffset = -1;
            int tflags = 0;
            long tflagsOffset = -1;
            int total = 0;
            List<Recipient> rcpts = new ArrayList<>();
            String orig = null;
            while (true) {
                Record rec = r.next(maxRecord);
                if (rec == null) throw new RecordException("premature end of queue file");
                switch (rec.type()) {
                    case SIZE -> {
                        String[] f = rec.text().strip().split("\\s+");
                        try {
                            contentLength = Long.parseLong(f[0]);
                            dataOffset = Long.parseLong(f[1]);
                            size = contentLength;
                            if (f.length > 5) sendopts = Integer.parseInt(f[5]);
                        } catch (RuntimeException e) {
                            throw new RecordException("bad size record");
                        }
                    }
                    case TIME -> {
                        String[] f = rec.text().strip().split(" ");
                        try {
                            arrival = Long.parseLong(f[0]) * 1000 + (f.length > 1 ? Long.parseLong(f[1]) / 1000 : 0);
                        } catch (NumberFormatException e) {
                            throw new RecordException("bad time record");
                        }
                    }
                    case ATTR -> {
                        String a = rec.text();
                        if (a.startsWith("create_time=")) create = parse(a.substring(12));
                        else if (a.startsWith("log_client_name=")) clientName = a.substring(16);
                        else if (a.startsWith("log_client_address=")) clientAddr = a.substring(19);
                        else if (a.startsWith("encoding=")) encoding = a.substring(9);
                        else if (a.startsWith("envelope_id=")) envid = a.substring(12);
                        else if (a.startsWith("ret_flags=")) ret = (int) parse(a.substring(10));
                        else if (a.startsWith("notify_flags=")) notify = (int) parse(a.substring(13));
                        else if (a.startsWith("dsn_orig_rcpt=")) orcpt = a.substring(14);
                        else if (a.startsWith("trace_flags=") && tflags == 0) {
                            tflags = TraceFlags.of((int) parse(a.substring(12)));
                            tflagsOffset = tflags == TraceFlags.RECORD ? rec.offset() : -1;
                        }
                    }
                    case FROM -> sender = rec.text();
                    case WARN -> {
                        warn = parse(rec.text());
                        warnOffset = rec.offset();
                    }
                    case ORCP -> orig = rec.text();
                    case RCPT -> {
                        total++;
                        rcpts.add(new Recipient(rec.offset(), orig == null ? rec.text() : orig, rec.text(), orcpt, notify));
                        orig = null;
                        orcpt = "";
                        notify = 0;
                    }
                    case DONE, DRCP -> {
                        total++;
                        orig = null;
                        orcpt = "";
                        notify = 0;
                    }
                    case MESG -> {
                        if (dataOffset < 0 || contentLength < 0) throw new RecordException("no size record");
                        ch.position(dataOffset + contentLength);
                        r = new RecordReader(new BufferedInputStream(Channels.newInputStream(ch), 16384), dataOffset + contentLength);
                        Record x = r.next(maxRecord);
                        if (x == null || x.type() != RecordType.XTRA) throw new RecordException("no extracted segment at content end");
                    }
                    case END -> {
                        if (sender == null) throw new RecordException("no sender record");
                        if (arrival < 0) throw new RecordException("no arrival time");
                        if (create < 0) create = arrival / 1000;
                        return new QueuedMessage(id, sender, arrival, create, dataOffset, size, total, clientName, clientAddr, encoding, rcpts,
                                envid, ret, sendopts, warn, warnOffset, tflags, tflagsOffset);
                    }
                    default -> { }
                }
            }
        }
    }

    private static long parse(String s) throws RecordException {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new RecordException("bad number: " + s);
        }
    }
}
