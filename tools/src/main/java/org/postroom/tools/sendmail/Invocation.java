package org.postroom.tools.sendmail;

import java.util.List;

/**
 * What one sendmail command line asks for, after the Sendmail-compatible options have been interpreted
 * (sendmail.c {@code main}). {@code sender} is the raw {@code -f} argument, or null for the login name.
 * {@code traceFlags}: {@link org.postroom.global.proto.deliver.TraceFlags#USR_VRFY} for -bv, RECORD for
 * one -v in delivery mode (a second -v means verbose logging instead, {@code verbose}).
 */
record Invocation(Mode mode, boolean extract, boolean dotEnds, String sender, String fullName, String encoding,
                  String envid, int notifyFlags, String rewriteContext, String flushSite, String flushId,
                  int verbose, int traceFlags, List<String> recipients) {

    /** The operating mode (SM_MODE_*). */
    enum Mode {
        /** -bm, the default: read a message and queue it. */
        ENQUEUE,
        /** -bp: list the queue (postqueue -p). */
        MAILQ,
        /** -q: flush the queue (postqueue -f). */
        FLUSHQ,
        /** -bd, -bl: start the mail system (postfix start). */
        DAEMON,
        /** -bi, -I: rebuild the alias databases (postalias). */
        NEWALIAS,
        /** -bs: SMTP on standard input and output. */
        USER,
        /** -bh, -bH, or -q with an interval: nothing to do. */
        IGNORE
    }

    Invocation {
        recipients = List.copyOf(recipients);
    }

    /** sendmail -bv: an address probe, nothing is delivered. */
    boolean probe() {
        return org.postroom.global.proto.deliver.TraceFlags.only(traceFlags);
    }
}
