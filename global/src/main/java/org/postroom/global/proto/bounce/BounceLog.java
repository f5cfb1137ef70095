package org.postroom.global.proto.bounce;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postroom.util.Printable;

/**
 * The per-message logs under bounce/, defer/ and trace/ (bounce_log.c, spec 3.6): one entry per
 * recipient, appended, each a blank line, the legacy {@code <rcpt>: reason} line
 * (backwards_bounce_logfile_compatibility = yes), {@code name=value} lines, and a blank line. Values are
 * made printable and never hold CR or LF, so an entry cannot spill into the next one. Readers take the
 * {@code name=value} lines and ignore the legacy line, unknown names and a torn last entry.
 */
public final class BounceLog {
    private BounceLog() {}

    /** One recipient's entry (RECIPIENT and DSN of bounce_log.c). Empty strings for absent fields; offset -1 when none. */
    public record Entry(String recipient, String originalRecipient, long offset, String dsnOrigRcpt, int notifyFlags,
                        String status, String action, String diagType, String diagText, String mtaType, String mtaName,
                        String reason) {
        public Entry {
            recipient = clean(recipient);
            originalRecipient = clean(originalRecipient);
            dsnOrigRcpt = clean(dsnOrigRcpt);
            status = clean(status);
            action = clean(action);
            diagType = clean(diagType);
            diagText = clean(diagText);
            mtaType = clean(mtaType);
            mtaName = clean(mtaName);
            reason = clean(reason);
        }

        /** A local failure or delay: no remote MTA, no diagnostic beyond the reason. */
        public static Entry local(String recipient, String originalRecipient, long offset, String dsnOrigRcpt, int notifyFlags,
                                  String status, String action, String reason) {
            return new Entry(recipient, originalRecipient, offset, dsnOrigRcpt, notifyFlags, status, action, "", "", "", "", reason);
        }

        /** This entry with another action and status (a delay that became a failure at expiry keeps its 4.x.y). */
        public Entry withAction(String newAction) {
            return new Entry(recipient, originalRecipient, offset, dsnOrigRcpt, notifyFlags, status, newAction, diagType, diagText,
                    mtaType, mtaName, reason);
        }

        private static String clean(String s) {
            return s == null ? "" : Printable.sanitize(s.replace('\r', ' ').replace('\n', ' '));
        }
    }

    /** The text of one entry, as appended. */
    public static String format(Entry e) {
        StringBuilder b = new StringBuilder();
        b.append('\n').append('<').append(e.recipient()).append(">: ").append(e.reason()).append('\n');
        b.append("recipient=").append(e.recipient()).append('\n');
        if (!e.originalRecipient().isEmpty() && !e.originalRecipient().equals(e.recipient())) {
            b.append("original_recipient=").append(e.originalRecipient()).append('\n');
        }
        if (e.offset() >= 0) b.append("offset=").append(e.offset()).append('\n');
        if (!e.dsnOrigRcpt().isEmpty()) b.append("dsn_orig_rcpt=").append(e.dsnOrigRcpt()).append('\n');
        if (e.notifyFlags() != 0) b.append("notify_flags=").append(e.notifyFlags()).append('\n');
        b.append("status=").append(e.status()).append('\n');
        b.append("action=").append(e.action()).append('\n');
        if (!e.diagType().isEmpty()) b.append("diag_type=").append(e.diagType()).append('\n');
        if (!e.diagText().isEmpty()) b.append("diag_text=").append(e.diagText()).append('\n');
        if (!e.mtaType().isEmpty()) b.append("mta_type=").append(e.mtaType()).append('\n');
        if (!e.mtaName().isEmpty()) b.append("mta_mname=").append(e.mtaName()).append('\n');
        b.append("reason=").append(e.reason()).append('\n');
        b.append('\n');
        return b.toString();
    }

    /**
     * Appends entries to {@code file} (created 0600) and, when {@code sync}, fsyncs it before returning,
     * so that a recipient is marked done only once its entry is on disk.
     */
    public static void append(Path file, List<Entry> entries, boolean sync) throws IOException {
        StringBuilder all = new StringBuilder();
        for (Entry e : entries) all.append(format(e));
        Files.createDirectories(file.getParent());
        try (FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buf = ByteBuffer.wrap(all.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) ch.write(buf);
            if (sync) ch.force(false);
        }
    }

    /** The entries of {@code file}; empty when it does not exist. */
    public static List<Entry> read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (java.nio.charset.MalformedInputException e) {
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        }
        return parse(text);
    }

    /** Parses log text: entries are separated by blank lines; one without recipient= or status= is skipped. */
    public static List<Entry> parse(String text) {
        List<Entry> out = new ArrayList<>();
        Builder b = new Builder();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                b.done().ifPresent(out::add);
                b = new Builder();
                continue;
            }
            int eq = line.indexOf('=');
            if (line.startsWith("<") || eq < 0) continue; // the legacy line
            b.set(line.substring(0, eq), line.substring(eq + 1));
        }
        // a last entry without its closing blank line was torn by a crash: not used
        return out;
    }

    private static final class Builder {
        String recipient;
        String original = "";
        long offset = -1;
        String dsnOrigRcpt = "";
        int notify;
        String status;
        String action = "";
        String diagType = "";
        String diagText = "";
        String mtaType = "";
        String mtaName = "";
        String reason = "";

        void set(String name, String value) {
            switch (name) {
                case "recipient" -> recipient = value;
                case "original_recipient" -> original = value;
                case "offset" -> offset = number(value);
                case "dsn_orig_rcpt" -> dsnOrigRcpt = value;
                case "notify_flags" -> notify = (int) Math.max(0, number(value));
                case "status" -> status = value;
                case "action" -> action = value;
                case "diag_type" -> diagType = value;
                case "diag_text" -> diagText = value;
                case "mta_type" -> mtaType = value;
                case "mta_mname" -> mtaName = value;
                case "reason" -> reason = value;
                default -> { }
            }
        }

        Optional<Entry> done() {
            if (recipient == null || status == null) return Optional.empty();
            return Optional.of(new Entry(recipient, original.isEmpty() ? recipient : original, offset, dsnOrigRcpt, notify, status,
                    action, diagType, diagText, mtaType, mtaName, reason));
        }

        private static long number(String v) {
            try {
                return Long.parseLong(v.strip());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
