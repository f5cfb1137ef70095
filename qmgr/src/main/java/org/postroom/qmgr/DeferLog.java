package org.postroom.qmgr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.postroom.util.Printable;

/**
 * Appends to the per-message defer log (3.6): one entry per deferred recipient, blank-line framed,
 * with the legacy "<rcpt>: reason" line first (backwards_bounce_logfile_compatibility = yes).
 */
final class DeferLog {
    private DeferLog() {}

    static void append(Path file, QueuedMessage.Recipient r, String dsn, String reason) throws IOException {
        String why = Printable.sanitize(reason);
        String entry = "\n<" + Printable.sanitize(r.address()) + ">: " + why + "\n"
                + "recipient=" + Printable.sanitize(r.address()) + "\n"
                + (r.original().equalsIgnoreCase(r.address()) ? "" : "original_recipient=" + Printable.sanitize(r.original()) + "\n")
                + "offset=" + r.offset() + "\n"
                + "dsn_orig_rcpt=rfc822;" + Printable.sanitize(r.original()) + "\n"
                + "status=" + dsn + "\n"
                + "action=delayed\n"
                + "reason=" + why + "\n\n";
        Files.createDirectories(file.getParent());
        Files.writeString(file, entry, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }
}
