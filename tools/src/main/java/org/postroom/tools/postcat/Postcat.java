package org.postroom.tools.postcat;

import org.postroom.tools.common.Exit;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.postroom.global.config.MainCf;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.global.queue.QueueName;
import org.postroom.tools.common.Cli;
import org.postroom.tools.common.Config;
import org.postroom.tools.common.Fatal;
import org.postroom.tools.common.ToolLog;
import org.postroom.util.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * NAME
 *     postcat - show Postroom queue file contents
 * SYNOPSIS
 *     postcat [-bdehoqrv] [-c config_dir] [-s offset] [files...]
 * DESCRIPTION
 *     Prints the named queue files (or standard input) in human-readable form. By default the
 *     envelope records, the message header and the body are shown (-ehb), with section markers
 *     "*** ENVELOPE RECORDS path ***", "*** MESSAGE CONTENTS path ***", "*** HEADER EXTRACTED
 *     path ***" and "*** MESSAGE FILE END path ***".
 *     -b  the body: content from the first line that is not a header.   -h  the header.
 *     -e  the envelope records and section markers.   -bh prints the plain message.
 *     -o  prefix each record with its offset.   -d  prefix each record with its decimal type.
 *     -q  the arguments are queue IDs, searched in maildrop, incoming, active, deferred, hold, saved.
 *     -r  print records in file order, past the end record.   -s offset  start at this offset.
 *     -v  prefix content lines with their record type (regular_text:).
 * SECURITY
 *     The queue is readable by root and mail_owner only; other users can only read files they may open.
 * DIAGNOSTICS
 *     "postcat: fatal: open queue file ID: No such file or directory" (exit 1) for an unknown ID,
 *     "postcat: fatal: bad mail queue ID: X", "postcat: warning: FILE: input is not a valid queue file".
 * BUGS
 *     Pointer records are shown but not followed (Postroom writes none).
 * CONFIGURATION PARAMETERS
 *     config_directory (/etc/postroom), queue_directory (/var/spool/postroom),
 *     hash_queue_names (deferred, defer), hash_queue_depth (1)
 * SEE ALSO
 *     postqueue(1), postsuper(1), spec 3.4 (the record format)
 */
@Command(name = "postcat")
public final class Postcat implements Cli.Tool {
    static final String USAGE = "postcat [-b (body text)] [-c config_dir] [-d (decimal record type)] "
            + "[-e (envelope records)] [-h (header text)] [-q (access queue)] [-v] [file(s)...]";
    static final List<QueueName> SEARCH = List.of(QueueName.MAILDROP, QueueName.INCOMING, QueueName.ACTIVE,
            QueueName.DEFERRED, QueueName.HOLD, QueueName.SAVED);

    @Option(names = "-b") boolean body;
    @Option(names = "-c") Path configDir;
    @Option(names = "-d") boolean decimal;
    @Option(names = "-e") boolean envelope;
    @Option(names = "-h") boolean header;
    @Option(names = "-o") boolean offsets;
    @Option(names = "-q") boolean queueIds;
    @Option(names = "-r") boolean raw;
    @Option(names = "-s") String start;
    @Option(names = "-v") boolean[] verbose;
    @Parameters List<String> args = new ArrayList<>();

    public static void main(String[] args) {
        Exit.now(run(args));
    }

    /** Runs postcat and returns its exit status. */
    public static int run(String[] args) {
        return Cli.run("postcat", new Postcat(), USAGE, ExitCode.FATAL, args);
    }

    @Override
    public Integer call() throws IOException {
        long startOffset = 0;
        if (start != null) {
            if (start.isEmpty() || !start.chars().allMatch(Character::isDigit)) throw new Fatal("bad offset: " + start);
            startOffset = Long.parseLong(start);
        }
        int flags = (body ? QueueFilePrinter.BODY : 0) | (header ? QueueFilePrinter.HEADER : 0) | (envelope ? QueueFilePrinter.ENV : 0);
        if (flags == 0) flags = QueueFilePrinter.BODY | QueueFilePrinter.HEADER | QueueFilePrinter.ENV;
        flags |= (offsets ? QueueFilePrinter.OFFSET : 0) | (decimal ? QueueFilePrinter.DECIMAL : 0) | (raw ? QueueFilePrinter.RAW : 0);
        MainCf cfg = Config.load(Cli.configDirectory(configDir), "postcat", ExitCode.FATAL);
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        QueueFilePrinter printer = new QueueFilePrinter(out, flags, verbose != null && verbose.length > 0, ZoneId.systemDefault());
        try {
            if (args.isEmpty()) {
                printer.print(new BufferedInputStream(System.in, 1 << 16), "stdin", startOffset);
            } else if (queueIds) {
                MailQueue queue = Config.queue(cfg, ExitCode.FATAL);
                for (String a : args) {
                    if (!QueueId.valid(a)) throw new Fatal("bad mail queue ID: " + a);
                    Path found = find(queue, new QueueId(a));
                    if (found == null) throw new Fatal("open queue file " + a + ": No such file or directory");
                    try (InputStream in = new BufferedInputStream(Files.newInputStream(found), 1 << 16)) {
                        printer.print(in, queue.root().relativize(found).toString(), startOffset);
                    }
                }
            } else {
                for (String a : args) {
                    InputStream in;
                    try {
                        in = new BufferedInputStream(Files.newInputStream(Path.of(a)), 1 << 16);
                    } catch (NoSuchFileException e) {
                        throw new Fatal("open " + a + ": No such file or directory");
                    } catch (IOException e) {
                        throw new Fatal("open " + a + ": " + reason(e));
                    }
                    try (in) {
                        printer.print(in, a, startOffset);
                    }
                }
            }
        } finally {
            out.flush();
        }
        return ExitCode.OK;
    }

    private static Path find(MailQueue queue, QueueId id) {
        for (int tries = 0; tries < 2; tries++) {
            for (QueueName q : SEARCH) {
                Path p = queue.path(q, id);
                if (Files.isRegularFile(p)) return p;
            }
        }
        return null;
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.AccessDeniedException ? "Permission denied" : e.getMessage();
    }
}
