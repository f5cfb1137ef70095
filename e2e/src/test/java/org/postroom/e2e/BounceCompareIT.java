package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.PostfixServer;
import org.postroom.testkit.SmtpReceiver;
import org.postroom.testkit.WaitFor;

/**
 * Issue 10, "must show" 1: one message that fails four ways (an unknown local user, an alias "|exit 67",
 * an alias to a file over mailbox_size_limit, a 550 to RCPT from the relayhost) gives a non-delivery
 * report of the same structure on Postroom and on a private Debian Postfix 3.7 with the same main.cf
 * values, and so does the delay warning of a message deferred twice (a refused connection, a command
 * exiting 75). Python's email package reads both reports; the MIME tree, the top-level header names, the
 * values of From, Subject, To, Auto-Submitted and MIME-Version, the delivery-status fields, the
 * notification text and the header names of the returned message must be equal once queue IDs, dates and
 * the temp directory are masked. Differences that are justified are listed in {@link #JUSTIFIED} (none
 * now). Both reports and their shapes are kept in target/bounce-compare/.
 */
class BounceCompareIT {
    private static final String USER = MailSystem.localUser();
    private static final String SENDER = USER + "@localhost";
    private static final String FAILURE_SUBJECT = "Undelivered Mail Returned to Sender";
    private static final String DELAY_SUBJECT = "Delayed Mail (still being retried)";

    /**
     * Prints a report's structure, one fact a line; values have their line breaks as "\n". The recipient
     * blocks and the notification's recipient paragraphs are sorted: both systems write them in the
     * order the deliveries finished, which is a race.
     */
    private static final String SHAPE = """
            import email, sys
            from email import policy
            m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.compat32)
            def esc(v):
                return str(v).replace('\\r', '\\\\r').replace('\\n', '\\\\n')
            print("header-names=" + " ".join(m.keys()))
            for h in ("From", "Subject", "To", "Auto-Submitted", "MIME-Version"):
                print("header:" + h + "=" + esc(m[h]))
            texts = []
            def tree(p, depth):
                params = [k + "=" + v for k, v in (p.get_params() or [])[1:] if k.lower() != 'boundary']
                print("mime:" + "  " * depth + p.get_content_type() + "".join("; " + x for x in params)
                      + " | description=" + esc(p.get('Content-Description'))
                      + " | cte=" + esc(p.get('Content-Transfer-Encoding')))
                t = p.get_content_type()
                if t == 'message/delivery-status':
                    blocks = p.get_payload()
                    for k, v in blocks[0].items():
                        print("dsn:" + k + "=" + esc(v))
                    for b in sorted(blocks[1:], key=lambda b: str(b['Final-Recipient'])):
                        print("dsn-recipient")
                        for k, v in b.items():
                            print("dsn-recipient:" + k + "=" + esc(v))
                elif t == 'text/plain' and depth == 1:
                    texts.append(p.get_payload(decode=True).decode('utf-8'))
                elif t == 'message/rfc822':
                    print("returned-header-names=" + " ".join(p.get_payload()[0].keys()))
                elif t == 'text/rfc822-headers':
                    print("returned-header-names=" + " ".join(email.message_from_string(p.get_payload()).keys()))
                if p.is_multipart() and (t.startswith('multipart/') or t == 'message/rfc822'):
                    for c in p.get_payload():
                        tree(c, depth + 1)
            tree(m, 0)
            for text in texts:
                head, sep, tail = text.partition("The mail system\\n\\n")
                for line in (head + sep).split("\\n")[:-2]:
                    print("text:" + line)
                for para in sorted(tail.strip("\\n").split("\\n\\n")):
                    print("text-recipient")
                    for line in para.split("\\n"):
                        print("text:" + line)
            """;

    /**
     * Where Postroom differs from Postfix on purpose, with the reason (e.g. a reason text of local(8)
     * documented in docs/known-issues.md): a Postroom line that matches {@code postroom} is
     * rewritten to {@code postfix} before the comparison of reports with this subject. Each entry must still
     * be needed.
     */
    private record Justified(String subject, String why, Pattern postroom, String postfix) {}

    private static final List<Justified> JUSTIFIED = List.of();

    private static final Pattern DATE = Pattern.compile(
            "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [ \\d]\\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4}"
            + " \\d\\d:\\d\\d:\\d\\d [+-]\\d{4} \\(\\w+\\)");

    /** Both systems and what they share: the work directory, the relay, the aliases. */
    private record Pair(Path work, PostfixServer postfix, MailSystem postroom) implements AutoCloseable {
        Path postfixDir() {
            return work.resolve("pf");
        }

        Path postroomDir() {
            return work.resolve("pr");
        }

        /** Postfix sends root's mail (the reports) to this Maildir. */
        Path postfixMaildir() {
            return postfixDir().resolve("mail");
        }

        @Override
        public void close() throws Exception {
            try (postfix; postroom) {
                // both stopped
            }
            MailSystem.run(List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofSeconds(30));
        }
    }

    /**
     * Starts a Postfix and a Postroom with the same main.cf lines and the same extra aliases ("%s" in
     * {@code aliases} is each system's own directory below the work directory, of equal length, so
     * that reasons with a path wrap at the same place).
     */
    private static Pair start(String mainCf, String aliases) throws IOException {
        Path work = Files.createTempDirectory("ndr-compare");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String d : List.of("pf", "pr", "pf/mail")) {
            Files.createDirectories(work.resolve(d));
            // file deliveries from aliases run as default_privs
            Files.setPosixFilePermissions(work.resolve(d), PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        PostfixServer pf = null;
        MailSystem pr = null;
        try {
            pf = PostfixServer.start(MailSystem.freePort(), "smtpd_client_restrictions =\n"
                    + "alias_maps = hash:" + work.resolve("pf/aliases") + "\n"
                    + "alias_database = hash:" + work.resolve("pf/aliases") + "\n"
                    + "minimal_backoff_time = 1s\nmaximal_backoff_time = 2s\nqueue_run_delay = 1s\n" + mainCf);
            Files.writeString(work.resolve("pf/aliases"), "postmaster: " + USER + "\n" + USER + ": " + work.resolve("pf/mail") + "/\n"
                    + aliases.replace("%s", work.resolve("pf").toString()));
            MailSystem.Result r = MailSystem.run(List.of("/usr/sbin/postalias", "-c", pf.root().resolve("etc").toString(),
                    "hash:" + work.resolve("pf/aliases")), null, Map.of(), Duration.ofSeconds(30));
            assertEquals(0, r.status(), r.stderr());
            pr = MailSystem.create(mainCf);
            Files.writeString(pr.etc().resolve("aliases"), aliases.replace("%s", work.resolve("pr").toString()),
                    java.nio.file.StandardOpenOption.APPEND);
            assertEquals(0, pr.tool("postalias", null, "hash:" + pr.etc().resolve("aliases")).status());
            pr.start();
            return new Pair(work, pf, pr);
        } catch (IOException | RuntimeException | Error e) {
            if (pr != null) pr.close();
            if (pf != null) pf.close();
            throw e;
        }
    }

    /** Injects one message into both systems with their sendmail(1). */
    private static void sendBoth(Pair p, String message, String... recipients) {
        List<String> args = new ArrayList<>(List.of("-f", SENDER));
        args.addAll(List.of(recipients));
        MailSystem.Result r = p.postroom().tool("sendmail", message, args.toArray(String[]::new));
        assertEquals(0, r.status(), r.stderr());
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/sendmail", "-C", p.postfix().root().resolve("etc").toString()));
        cmd.addAll(args);
        r = MailSystem.run(cmd, message, Map.of(), Duration.ofSeconds(30));
        assertEquals(0, r.status(), r.stderr());
    }

    /** The messages in a Maildir whose Subject is {@code subject}. */
    private static List<Path> withSubject(Path maildir, String subject) {
        List<Path> out = new ArrayList<>();
        for (Path p : MailSystem.maildir(maildir)) {
            try {
                if (Files.readString(p, StandardCharsets.ISO_8859_1).contains("\nSubject: " + subject + "\n")) out.add(p);
            } catch (IOException e) {
                // being written
            }
        }
        return out;
    }

    /** Waits for exactly one report with this subject in each system and returns Postfix's, then Postroom's. */
    private static List<Path> reports(Pair p, String subject) {
        Path prMaildir = p.postroom().spoolMaildir(USER);
        try {
            WaitFor.condition("Postfix's report", Duration.ofSeconds(60), () -> withSubject(p.postfixMaildir(), subject).size() == 1);
            WaitFor.condition("Postroom's report", Duration.ofSeconds(60), () -> withSubject(prMaildir, subject).size() == 1);
        } catch (AssertionError e) {
            String pfLog;
            try {
                pfLog = p.postfix().log();
            } catch (IOException x) {
                pfLog = x.toString();
            }
            throw new AssertionError(e.getMessage() + "\nPostfix log:\n" + pfLog + "\nPostroom log:\n" + p.postroom().log(), e);
        }
        return List.of(withSubject(p.postfixMaildir(), subject).get(0), withSubject(prMaildir, subject).get(0));
    }

    /** The report's structure (see {@link #SHAPE}) with queue IDs, dates and the directory masked. */
    private static List<String> shape(Path report, String log, String notification, Path dir) throws IOException {
        MailSystem.Result r = MailSystem.run(List.of(SmtpReceiver.PYTHON.toString(), "-c", SHAPE, report.toString()), null, Map.of(),
                Duration.ofSeconds(30));
        assertEquals(0, r.status(), r.stderr());
        Matcher ids = Pattern.compile("(\\w+): " + Pattern.quote(notification) + ": (\\w+)").matcher(log);
        assertTrue(ids.find(), "no '" + notification + "' in the log:\n" + log);
        String text = r.stdout().replace(dir.toString(), "<dir>").replace(ids.group(1), "<queue-id>").replace(ids.group(2), "<report-id>");
        return List.of(DATE.matcher(text).replaceAll("<date>").split("\n"));
    }

    /**
     * Asserts that the two reports have the same structure, after the justified differences, and that
     * they report {@code recipients} recipients. Both reports and their shapes are kept in
     * target/bounce-compare/ for a reader.
     */
    private static void assertSameShape(Pair p, String subject, String notification, int recipients) throws IOException {
        List<Path> files = reports(p, subject);
        List<String> postfix = shape(files.get(0), p.postfix().log(), notification, p.postfixDir());
        List<String> raw = shape(files.get(1), p.postroom().log(), notification, p.postroomDir());
        Path keep = Files.createDirectories(Path.of("target", "bounce-compare"));
        String name = notification.replace(' ', '-');
        Files.copy(files.get(0), keep.resolve(name + ".postfix.eml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(files.get(1), keep.resolve(name + ".postroom.eml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(keep.resolve(name + ".postfix.shape"), postfix);
        Files.write(keep.resolve(name + ".postroom.shape"), raw);
        assertEquals(recipients, postfix.stream().filter("dsn-recipient"::equals).count(), String.join("\n", postfix));
        assertEquals(recipients, postfix.stream().filter("text-recipient"::equals).count(), String.join("\n", postfix));
        Set<Justified> unused = new LinkedHashSet<>(JUSTIFIED);
        List<String> postroom = new ArrayList<>();
        for (String line : raw) {
            for (Justified j : JUSTIFIED) {
                Matcher m = j.postroom().matcher(line);
                if (m.matches()) {
                    line = m.replaceAll(j.postfix());
                    unused.remove(j);
                }
            }
            postroom.add(line);
        }
        assertEquals(String.join("\n", postfix), String.join("\n", postroom), "the reports differ (- Postfix, + Postroom):\n"
                + diff(postfix, postroom)
                + "\nPostfix's report " + files.get(0) + ":\n" + Files.readString(files.get(0), StandardCharsets.ISO_8859_1)
                + "\nPostroom's report " + files.get(1) + ":\n" + Files.readString(files.get(1), StandardCharsets.ISO_8859_1));
        unused.removeIf(j -> !j.subject().equals(subject));
        assertTrue(unused.isEmpty(), "Postroom now writes these as Postfix: drop them from JUSTIFIED: " + unused);
    }

    private static boolean available() {
        return MailSystem.isRoot() && SmtpReceiver.available() && PostfixServer.available();
    }

    /** The lines only in {@code a} ("-") and only in {@code b} ("+"), by longest common subsequence. */
    static String diff(List<String> a, List<String> b) {
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        StringBuilder out = new StringBuilder();
        int i = 0, j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                i++;
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.append("+ ").append(b.get(j++)).append('\n');
            } else {
                out.append("- ").append(a.get(i++)).append('\n');
            }
        }
        return out.toString();
    }

    @Test
    void nonDeliveryReportAsPostfix() throws Exception {
        assumeTrue(available(), "needs root, Debian's python3 and postfix");
        int port = MailSystem.freePort();
        try (MiniSink sink = new MiniSink("127.0.0.1", port, (n, l) -> l.toUpperCase().startsWith("RCPT")
                ? "550 5.1.1 <carol@far.example>: Recipient address rejected: User unknown in virtual mailbox table" : MiniSink.normal(l));
             Pair p = start("relayhost = [127.0.0.1]:" + port + "\nmailbox_size_limit = 20480000\n",
                     "failcmd: \"|exit 67\"\nfull: %s/full.mbox\n")) {
            for (Path dir : List.of(p.postfixDir(), p.postroomDir())) {
                try (RandomAccessFile f = new RandomAccessFile(dir.resolve("full.mbox").toFile(), "rw")) {
                    f.setLength(20_480_001); // sparse: over the limit at once
                }
                Files.setPosixFilePermissions(dir.resolve("full.mbox"), PosixFilePermissions.fromString("rw-rw-rw-"));
            }
            sendBoth(p, "Subject: four failures\n\nbody\n", "nosuch", "failcmd", "full", "carol@far.example");
            assertSameShape(p, FAILURE_SUBJECT, "sender non-delivery notification", 4);
        }
    }

    @Test
    void delayWarningAsPostfix() throws Exception {
        assumeTrue(available(), "needs root, Debian's python3 and postfix");
        int closed = MailSystem.freePort(); // nothing listens: connection refused, deferred
        // and a command that says "try again later" (EX_TEMPFAIL): a local deferral with its x-unix diagnostic
        try (Pair p = start("relayhost = [127.0.0.1]:" + closed + "\ndelay_warning_time = 2s\n", "tempfail: \"|exit 75\"\n")) {
            sendBoth(p, "Subject: slow one\n\nbody\n", "dave@far.example", "tempfail");
            assertSameShape(p, DELAY_SUBJECT, "sender delay notification", 2);
        }
    }
}
