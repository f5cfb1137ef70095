package org.postroom.tools.sendmail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.postroom.global.proto.deliver.TraceFlags;
import org.postroom.tools.common.Cli;
import org.postroom.tools.common.Exit;
import org.postroom.tools.common.Spec;
import org.postroom.tools.common.Warm;
import picocli.CommandLine;

/**
 * NAME
 *     sendmail - Postroom to Sendmail compatibility interface
 * SYNOPSIS
 *     sendmail [option ...] [recipient ...]
 *     sendmail -bp | -bs | -bi | -bd | -q | -qRsite | -qIqueueid
 * DESCRIPTION
 *     Reads a message from standard input until end of file, or until a line that holds only a dot,
 *     and drops it into the maildrop queue; the pickup(8) daemon moves it on to cleanup(8). Lines
 *     longer than line_length_limit are split but kept; a CR before the newline is removed; leading
 *     "From " lines are dropped. Recipients are the arguments; each argument is read as an RFC 822
 *     address list, so "Name <user@example.com>, other" gives two. Unqualified addresses are left
 *     alone here; cleanup(8) appends @$myorigin. The message is queued even when the mail system is
 *     down; pickup finds it on its next scan.
 *
 *     -t             Also take recipients from To:, Cc: and Bcc:, or, once a Resent-To:, Resent-Cc:
 *                    or Resent-Bcc: header has been seen, from the Resent- ones only. Bcc: headers
 *                    are removed later, by cleanup(8).
 *     -i, -oi        A line with a single dot does not end the input.
 *     -f sender      The envelope sender; -f '' or -f '<>' is the null sender (default: the login
 *                    name of the real user ID). -r is the same.
 *     -F name        The sender's full name, used when a From: header is added (default: $NAME, else
 *                    the passwd gecos field).
 *     -B type        Body type 7BIT or 8BITMIME.  -N dsn  DSN notify: never, or success,delay,failure.
 *     -V envid       DSN envelope ID.  -G  Gateway (relay) submission: headers are not rewritten.
 *     -C dir         Configuration directory (or its main.cf), like $MAIL_CONFIG.
 *     -bm            Queue the message (the default).  -bs  SMTP on standard input and output; each
 *                    message is dropped into maildrop as with -bm.
 *     -bp            List the queue (postqueue -p).  -q  Flush the queue (postqueue -f).
 *     -qRsite        postqueue -s site.  -qIid  postqueue -i id.  -qinterval  Ignored.
 *     -bi, -I        postalias $alias_database.  -bd, -bl  postfix start.  -bh, -bH  Ignored.
 *     -bv            Address verification: nothing is delivered and standard input is not read. A probe
 *                    message (From: the sender, Subject: probe, To: the recipients) is queued with
 *                    trace_flags=512; each delivery agent reports what it would do with each recipient
 *                    (alias and .forward expansion included), and the sender is mailed a "Mail Delivery
 *                    Status Report" with Action: deliverable or undeliverable per address. Prints
 *                    "Mail Delivery Status Report will be mailed to <sender>." Not with -t, -N or -v.
 *     -v             Once, in delivery mode: verbose delivery (trace_flags=1024): the mail is delivered
 *                    and the sender is mailed a "Mail Delivery Status Report" of what happened to each
 *                    recipient on the first delivery attempt (Action: delivered, relayed, failed or
 *                    delayed), with the same message on standard output. More than once: -v is passed
 *                    to the commands that -bp, -q, -bi and -bd run.
 *     -A, -L, -O, -R, -U, -X, -c, -e, -h, -m, -n, -o, -p, -x
 *                    Accepted for compatibility and ignored (-XV, VERP, is not supported yet).
 * SECURITY
 *     Runs with the user's own privileges; it is not set-uid or set-gid. maildrop is mode 1733 and
 *     owned by mail_owner, so anyone may create a file there but nobody else can list or read it. The
 *     file is created under a fresh queue ID with mode 0600, written, fsynced and then set to 0744,
 *     which tells pickup it is complete. The submitting user is the file's owner, which a user cannot
 *     forge; what the file says is not trusted: pickup(8) checks every record of it.
 *     authorized_submit_users (static:anyone) lists who may submit mail, root included only when
 *     listed; others get "sendmail: fatal: User NAME(UID) is not allowed to submit mail". Since a user
 *     can write into maildrop without sendmail, pickup(8) applies the same list to the file's owner.
 * DIAGNOSTICS
 *     Nothing is printed on success, and the exit status is 0. Problems are reported on standard error
 *     as "sendmail: fatal: sender(uid): text", e.g. "No recipient addresses found in message header",
 *     "Recipient addresses must be specified on the command line or via the -t option" or
 *     "message file too big", and also logged when maillog_file is writable. As in Postfix, every
 *     fatal error, including a usage error, exits with status 75 (EX_TEMPFAIL).
 * BUGS
 *     -XV and -R are not implemented. -bp, -q, -bi and -bd run postqueue, postalias and postfix
 *     from $command_directory, so they work only once those commands are installed.
 * CONFIGURATION PARAMETERS
 *     queue_directory (/var/spool/postroom)   where maildrop is
 *     line_length_limit (2048)                longer lines are split into pieces
 *     header_size_limit (102400)              longest header that -t will parse
 *     message_size_limit (10240000)           largest message content, in bytes
 *     hash_queue_names (deferred, defer), hash_queue_depth (1)
 *     command_directory (/usr/sbin)           where postqueue, postalias and postfix are
 *     alias_database (hash:/etc/aliases)      what -bi rebuilds
 *     smtpd_banner ($myhostname ESMTP $mail_name), smtpd_recipient_limit (1000)   for -bs
 *     trigger_timeout (10s)                   limit on waking pickup
 *     maillog_file (empty)                    where fatal errors are also logged, if writable
 *     authorized_submit_users (static:anyone) who may submit mail
 * SEE ALSO
 *     pickup(8), cleanup(8), postqueue(1), postalias(1), postfix(1)
 */
public final class Sendmail implements Callable<Integer> {
    static final int EX_TEMPFAIL = 75;
    private static final String ARG_OPTIONS = "ABCFLNORVXbefhopqr";

    boolean extract;
    boolean ignoreDots;
    String sender;
    String fullName;
    List<String> modes = new ArrayList<>();
    String configPath;
    String queueOption;
    String bodyType;
    String notify;
    String envid;
    String xOption;
    List<String> oOptions = new ArrayList<>();
    boolean gateway;
    boolean newaliases;
    boolean[] verbose = new boolean[0];
    List<String> ignoredValues = new ArrayList<>();
    List<Boolean> ignoredFlags = new ArrayList<>();
    List<String> recipients = new ArrayList<>();
    boolean flushQueue;

    public static void main(String[] args) {
        Warm.unixSockets();
        Exit.now(run(args));
    }

    /** Runs sendmail and returns its exit status. */
    public static int run(String[] args) {
        Sendmail s = new Sendmail();
        return s.commandLine().execute(s.preScan(args));
    }

    /**
     * The picocli parser, set up like getopt("+..."): options end at the first recipient. The options are
     * those of {@code @Option(names = "-t") boolean extract;} etc. (see {@link Spec}, {@link Options}).
     */
    CommandLine commandLine() {
        CommandLine cl = Cli.commandLine(new Spec("sendmail", this, new Options(this)).flag("extract", "-t").flag("ignoreDots", "-i")
                .value("sender", String.class, "-f", "-r").value("fullName", String.class, "-F").list("modes", String.class, "-b")
                .value("configPath", String.class, "-C").value("queueOption", String.class, "-q")
                .value("bodyType", String.class, "-B").value("notify", String.class, "-N").value("envid", String.class, "-V")
                .value("xOption", String.class, "-X").list("oOptions", String.class, "-o").flag("gateway", "-G")
                .flag("newaliases", "-I").flags("verbose", "-v").list("ignoredValues", String.class, "-A", "-L", "-O", "-R", "-e", "-h", "-p")
                .flagList("ignoredFlags", "-U", "-c", "-m", "-n", "-x").positionals("recipients").build());
        cl.setStopAtPositional(true);
        cl.setOverwrittenOptionsAllowed(true);
        cl.setAllowOptionsAsOptionParameters(true);
        cl.setParameterExceptionHandler((e, a) -> {
            Diagnostics.warn(e.getMessage());
            Diagnostics.fatal("usage: sendmail [options]");
            return EX_TEMPFAIL;
        });
        return cl;
    }

    /** Removes each bare "-q" (not getopt compatible: it takes no argument, -qX does). */
    String[] preScan(String[] args) {
        List<String> out = new ArrayList<>();
        int i = 0;
        for (; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--") || !a.startsWith("-") || a.equals("-")) break;
            if (a.equals("-q")) {
                flushQueue = true;
                continue;
            }
            out.add(a);
            for (int j = 1; j < a.length(); j++) {
                if (ARG_OPTIONS.indexOf(a.charAt(j)) < 0) continue;
                if (j == a.length() - 1 && i + 1 < args.length) out.add(args[++i]);
                break;
            }
        }
        for (; i < args.length; i++) out.add(args[i]);
        return out.toArray(new String[0]);
    }

    @Override
    public Integer call() {
        try {
            Invocation inv = interpret();
            return new Submitter(Diagnostics.configDirectory(configPath)).run(inv);
        } catch (Fatal f) {
            Diagnostics.fatal(f.getMessage());
            return EX_TEMPFAIL;
        }
    }

    /** Interprets the options the way Postfix's sendmail does, checking conflicts. */
    Invocation interpret() throws Fatal {
        boolean dotEnds = !ignoreDots;
        for (String o : oOptions) {
            if (o.startsWith("i")) dotEnds = false;
            if (o.equals("A")) throw new Fatal("-oA requires pathname");
        }
        Invocation.Mode m = flushQueue ? Invocation.Mode.FLUSHQ : Invocation.Mode.ENQUEUE;
        if (newaliases) m = Invocation.Mode.NEWALIAS;
        int traceFlags = 0;
        for (String b : modes) {
            if (b.startsWith("v")) traceFlags |= TraceFlags.USR_VRFY; // -bv: "expand recipients", the mode stays
            else m = mode(b);
        }
        String encoding = null;
        if (bodyType != null) {
            encoding = switch (bodyType) {
                case "8BITMIME" -> "8bit";
                case "7BIT" -> "7bit";
                default -> throw new Fatal("-B option needs 8BITMIME or 7BIT");
            };
        }
        int notifyFlags = notify == null ? 0 : notifyMask(notify);
        if (notify != null && notifyFlags == 0) Diagnostics.warn("bad -N option value -- ignored");
        String id = envid;
        if (id != null && id.length() > 100) {
            Diagnostics.warn("too long -V option value -- ignored");
            id = null;
        } else if (id != null && !id.chars().allMatch(c -> c > ' ' && c < 127)) {
            Diagnostics.warn("bad syntax in -V option value -- ignored");
            id = null;
        }
        if (xOption != null && !xOption.startsWith("V")) {
            throw new Fatal("unsupported: -X" + (xOption.isEmpty() ? "" : xOption.substring(0, 1)));
        }
        String site = null;
        String flushId = null;
        boolean interval = false;
        if (queueOption != null) {
            char c = queueOption.isEmpty() ? ' ' : queueOption.charAt(0);
            if (Character.isDigit(c)) interval = true;
            else if (c == 'R' && queueOption.length() > 1) site = queueOption.substring(1);
            else if (c == 'R') throw new Fatal("specify: -qRsitename");
            else if (c == 'I' && queueOption.length() > 1) flushId = queueOption.substring(1);
            else if (c == 'I') throw new Fatal("specify: -qIqueueid");
            else throw new Fatal("-q" + c + " is not implemented");
        }
        if (extract && m != Invocation.Mode.ENQUEUE) throw new Fatal("-t can be used only in delivery mode");
        if (site != null && m != Invocation.Mode.ENQUEUE) throw new Fatal("-qR can be used only in delivery mode");
        if (flushId != null && m != Invocation.Mode.ENQUEUE) throw new Fatal("-qI can be used only in delivery mode");
        int verboseLevel = verbose.length;
        if ((traceFlags & TraceFlags.USR_VRFY) != 0) {
            if (extract) throw new Fatal("-t option cannot be used with -bv");
            if (notifyFlags != 0) throw new Fatal("-N option cannot be used with -bv");
            if (verboseLevel == 1) throw new Fatal("-v option cannot be used with -bv");
        }
        // "The -v option plays double duty. One requests verbose delivery, more than one requests verbose logging."
        if (verboseLevel == 1 && m == Invocation.Mode.ENQUEUE) {
            verboseLevel = 0;
            traceFlags |= TraceFlags.RECORD;
        }
        if (interval && m != Invocation.Mode.DAEMON) m = Invocation.Mode.IGNORE;
        return new Invocation(m, extract, dotEnds, sender, fullName, encoding, id, notifyFlags,
                gateway ? "remote" : "local", site, flushId, verboseLevel, traceFlags, recipients);
    }

    private static Invocation.Mode mode(String b) throws Fatal {
        char c = b.isEmpty() ? ' ' : b.charAt(0);
        return switch (c) {
            case 'd', 'l' -> Invocation.Mode.DAEMON;
            case 'h', 'H' -> Invocation.Mode.IGNORE;
            case 'i' -> Invocation.Mode.NEWALIAS;
            case 'm' -> Invocation.Mode.ENQUEUE;
            case 'p' -> Invocation.Mode.MAILQ;
            case 's' -> Invocation.Mode.USER;
            default -> throw new Fatal("unsupported: -b" + c);
        };
    }

    /** dsn_notify_mask(): "never" alone, or a list of success, delay, failure; 0 when malformed. */
    static int notifyMask(String value) {
        int mask = 0;
        for (String w : value.toLowerCase(Locale.ROOT).split("[,\\s]+")) {
            switch (w) {
                case "never" -> mask |= 1;
                case "success" -> mask |= 2;
                case "failure" -> mask |= 4;
                case "delay" -> mask |= 8;
                default -> {
                    return 0;
                }
            }
        }
        return (mask & 1) != 0 && mask != 1 ? 0 : mask;
    }
}
