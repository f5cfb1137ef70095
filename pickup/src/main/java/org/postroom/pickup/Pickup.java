package org.postroom.pickup;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;
import org.postroom.global.log.Msg;
import org.postroom.global.mail.MailDate;
import org.postroom.global.proto.cleanup.CleanupClient;
import org.postroom.global.proto.cleanup.CleanupStatus;
import org.postroom.global.record.RecordReader;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;
import org.postroom.global.table.TableException;
import org.postroom.global.table.UserAcl;
import org.postroom.service.Requirement;
import org.postroom.service.ServiceContext;
import org.postroom.service.ServiceMain;
import org.postroom.service.ServiceSpec;
import org.postroom.service.TriggerService;
import org.postroom.util.Passwd;
import org.postroom.util.Posix;
import org.postroom.util.Printable;

/**
 * NAME
 *     pickup - Postroom local mail pickup
 * SYNOPSIS
 *     pickup [generic service options]
 * DESCRIPTION
 *     Waits for a wake-up from master(8) (every 60 seconds) or from sendmail(1) (after each
 *     submission), then scans the maildrop directory until a pass removes nothing. Each file that is
 *     ready is streamed to cleanup(8) with a Received: header of its own in front of the content:
 *         Received: by $myhostname ($mail_name, from userid UID)
 *                 id QUEUEID; DATE
 *     where UID is the owner of the file and DATE its modification time. The file is removed once
 *     cleanup has queued the message. Ill-formed files are removed without notifying the sender.
 * SECURITY
 *     Moderately security sensitive. It runs with fixed low privilege (mail_owner, never root) and
 *     reads files from potentially hostile users: maildrop is world-writable (mode 1733), so anybody
 *     may put anything there. A file is opened only if its name is a valid queue ID, it is a regular
 *     file with one link and it is marked ready (owner rwx); it is opened without following symbolic
 *     links, and the owner, mode and identity are then taken from the open file, not from its name.
 *     The owner is the only thing about the submitter that is trusted; a file whose owner is not in
 *     authorized_submit_users is removed with a warning. Every record is bounded by
 *     line_length_limit and every segment by message_size_limit; each segment has a whitelist of
 *     record types and attributes (see MaildropCopier), so a user cannot inject, for example, a
 *     content filter or a done recipient. Pickup opens no files for writing and does not read the
 *     data sent to its public endpoint.
 * DIAGNOSTICS
 *     One line per message: "QUEUEID: uid=UID from=<sender>", with " orig_id=OLDID" for a file that
 *     postsuper -r requeued (owned by mail_owner, not world-readable). Warnings: "uid=UID: unexpected or
 *     malformed record type N", "QUEUEID: uid=UID: no envelope sender", "QUEUEID: uid=UID: message file
 *     too big", "maildrop/NAME: error writing QUEUEID: reason", "maildrop/NAME: uid UID: not a
 *     regular file", "maildrop/NAME: uid UID: file has N links".
 * BUGS
 *     Like Postfix, pickup copies the message instead of passing a file descriptor, so that cleanup
 *     never has to deal with unfiltered user data. postsuper -r writes requeued files in
 *     the record format sendmail uses, so they pass the whitelist. Old temporary files of
 *     interrupted submissions (names that are not queue IDs) are left for the administrator.
 *     Linux only (fstat through /proc/self/fd).
 * CONFIGURATION PARAMETERS
 *     queue_directory (/var/spool/postroom)    where maildrop and public/cleanup are
 *     myhostname, mail_name (Postfix)          used in the Received: header
 *     line_length_limit (2048)                 largest record accepted
 *     message_size_limit (10240000)            largest segment accepted (0: none)
 *     ipc_timeout (3600s)                      limit on one conversation with cleanup
 *     content_filter (empty)                   transport:destination for after-queue filtering
 *     authorized_submit_users (static:anyone)  whose maildrop files are accepted
 * SEE ALSO
 *     cleanup(8), sendmail(1), master(8)
 */
public final class Pickup implements TriggerService {
    /** Not declared in Params yet; the Postfix default. */
    static final Param<String> CONTENT_FILTER = Params.CONTENT_FILTER;

    static final ServiceSpec SPEC = new ServiceSpec("pickup", List.of(Params.QUEUE_DIRECTORY, Params.MYHOSTNAME,
            Params.MAIL_NAME, Params.LINE_LENGTH_LIMIT, Params.MESSAGE_SIZE_LIMIT, Params.IPC_TIMEOUT, CONTENT_FILTER,
            Params.AUTHORIZED_SUBMIT_USERS),
            Set.of(Requirement.SOLITARY));

    private static final Duration FUTURE_SLACK = Duration.ofHours(2);
    private static final Duration DAY = Duration.ofDays(1);

    /** What to do with a maildrop file after an attempt. */
    enum Disposition { REMOVE, KEEP, CLEANUP_DOWN }

    private final Path queueDir;
    private final String myhostname;
    private final String mailName;
    private final int lineLimit;
    private final long sizeLimit;
    private final Duration ipcTimeout;
    private final String contentFilter;
    /** authorized_submit_users. */
    private final UserAcl submitters;

    public static void main(String[] args) {
        ServiceMain.run(args, SPEC, Pickup::new);
    }

    Pickup(ServiceContext ctx) {
        MainCf cfg = ctx.config();
        this.queueDir = ctx.queueDirectory();
        this.myhostname = cfg.get(Params.MYHOSTNAME);
        this.mailName = cfg.get(Params.MAIL_NAME);
        this.lineLimit = cfg.get(Params.LINE_LENGTH_LIMIT);
        this.sizeLimit = cfg.get(Params.MESSAGE_SIZE_LIMIT);
        this.ipcTimeout = cfg.get(Params.IPC_TIMEOUT);
        this.contentFilter = cfg.get(CONTENT_FILTER);
        this.submitters = UserAcl.strict(Params.AUTHORIZED_SUBMIT_USERS, cfg.get(Params.AUTHORIZED_SUBMIT_USERS));
    }

    @Override
    public void start() throws IOException {
        scan();
    }

    @Override
    public void wakeup(String triggers) throws IOException {
        scan();
    }

    /** Scans maildrop until a pass removes nothing, or cleanup cannot be reached (pickup_service). */
    void scan() throws IOException {
        int removed;
        do {
            removed = 0;
            for (MaildropScanner.Candidate c : MaildropScanner.scan(queueDir.resolve("maildrop"))) {
                Disposition d = pickup(c);
                if (d == Disposition.CLEANUP_DOWN) return;
                if (d == Disposition.REMOVE) {
                    try {
                        Files.deleteIfExists(c.path());
                        removed++;
                    } catch (IOException e) {
                        Msg.warn("remove " + c.display() + ": " + e.getMessage());
                    }
                }
            }
        } while (removed > 0);
    }

    /** Moves one file into cleanup (pickup_file, pickup_copy). */
    Disposition pickup(MaildropScanner.Candidate c) {
        SafeOpen.Opened file;
        try {
            file = SafeOpen.open(c.path(), c.key());
        } catch (NoSuchFileException e) {
            return Disposition.KEEP;
        } catch (AccessDeniedException e) {
            Msg.warn("open input file " + c.display() + ": Permission denied");
            return Disposition.KEEP;
        } catch (IOException e) {
            Msg.warn("open input file " + c.display() + ": " + e.getMessage());
            return Disposition.REMOVE;
        }
        try (file) {
            Disposition refused = refuse(c, file.uid());
            if (refused != null) return refused;
            CleanupClient cleanup;
            try {
                cleanup = CleanupClient.open(queueDir, CleanupClient.FLAG_ADD_HEADERS, ipcTimeout);
            } catch (IOException e) {
                Msg.warn("connect to cleanup service: " + e.getMessage());
                return Disposition.CLEANUP_DOWN;
            }
            try (cleanup) {
                return copy(c, file, cleanup);
            }
        } catch (IOException e) {
            Msg.warn(c.display() + ": " + e.getMessage());
            return Disposition.KEEP;
        }
    }

    private Disposition copy(MaildropScanner.Candidate c, SafeOpen.Opened file, CleanupClient cleanup) throws IOException {
        String id = cleanup.queueId().value();
        int uid = file.uid();
        Instant arrival = arrival(id, c, file.mtime().toInstant());
        RecordReader in = new RecordReader(new BufferedInputStream(Channels.newInputStream(file.channel()), 65536));
        RecordWriter out = cleanup.records();
        // postsuper -r leaves mail_owner's files without world read: log the old queue ID (pickup.c MAIL_IS_REQUEUED)
        boolean requeued = uid == Posix.geteuid() && (file.mode() & 0004) == 0;
        MaildropCopier copier = new MaildropCopier(in, out, id, uid, lineLimit, sizeLimit, requeued);
        try {
            out.put(RecordType.TIME, arrival.getEpochSecond() + " " + arrival.getNano() / 1000);
            if (!contentFilter.isEmpty()) out.put(RecordType.FILT, contentFilter);
            String sender = copier.envelope();
            Msg.info(id + ": uid=" + uid + " from=<" + Printable.sanitize(sender) + ">"
                    + (requeued ? " orig_id=" + c.name() : ""));
            out.put(RecordType.MESG, "");
            out.put(RecordType.NORM, "Received: by " + myhostname + " (" + mailName + ", from userid " + uid + ")");
            out.put(RecordType.NORM, "\tid " + id + "; " + MailDate.format(arrival.atZone(ZoneId.systemDefault())));
            copier.content();
            out.put(RecordType.XTRA, "");
            copier.extracted();
            out.put(RecordType.END, "");
        } catch (MaildropCopier.Malformed m) {
            Msg.warn(m.getMessage());
            return Disposition.REMOVE;
        }
        CleanupStatus status;
        try {
            status = cleanup.finish();
        } catch (IOException e) {
            Msg.warn(c.display() + ": error writing " + id + ": " + e.getMessage());
            return Disposition.KEEP;
        }
        if (status.ok()) return Disposition.REMOVE;
        Msg.warn(c.display() + ": error writing " + id + ": "
                + (status.reason().isEmpty() ? CleanupErrors.text(status.status()) : Printable.sanitize(status.reason())));
        boolean retry = (status.status() & (CleanupStatus.STAT_WRITE | CleanupStatus.STAT_DEFER)) != 0;
        return retry ? Disposition.KEEP : Disposition.REMOVE;
    }

    /**
     * authorized_submit_users for the file's owner: sendmail checks it, but anybody can write into maildrop
     * without sendmail, and Postroom has no set-gid postdrop to be the only gate. Files that postsuper -r
     * requeued (owned by mail_owner) pass. Null when the file may go on.
     */
    private Disposition refuse(MaildropScanner.Candidate c, int uid) {
        if (submitters.anyone() || uid == Posix.geteuid()) return null;
        String name = Passwd.byUid(uid).map(Passwd.Entry::name).orElse("unknown");
        try {
            if (submitters.matches(name)) return null;
        } catch (TableException e) {
            Msg.warn(c.display() + ": uid=" + uid + ": " + Params.AUTHORIZED_SUBMIT_USERS.name() + ": " + e.getMessage());
            return Disposition.KEEP;
        }
        Msg.warn(c.display() + ": uid=" + uid + ": User " + name + "(" + uid + ") is not allowed to submit mail");
        return Disposition.REMOVE;
    }

    /** The file's mtime, distrusted: not more than two hours ahead (pickup_copy). */
    private static Instant arrival(String id, MaildropScanner.Candidate c, Instant mtime) {
        Instant now = Instant.now();
        if (mtime.isAfter(now.plus(FUTURE_SLACK))) {
            Msg.warn(id + ": message " + c.display() + " dated " + Duration.between(now, mtime).toSeconds() + " seconds into the future");
            return now;
        }
        if (mtime.isBefore(now.minus(DAY))) {
            Msg.warn(id + ": message " + c.display() + " has been queued for " + Duration.between(mtime, now).toDays() + " days");
        }
        return mtime;
    }
}
