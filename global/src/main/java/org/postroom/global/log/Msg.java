package org.postroom.global.log;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.postroom.util.Printable;

/**
 * The program's log (Postfix msg.c): {@code Mon DD HH:MM:SS host syslog_name/program[pid]: text}, appended
 * to maillog_file with one write per line so that several processes can share the file, or to stderr
 * when maillog_file is empty. Severities as in Postfix: info (no prefix), warning, error, fatal, panic.
 * Text from outside must already be sanitised; this class strips CR/LF as a last defence.
 */
public final class Msg {
    /**
     * Made when the first line is logged: the formatter, the time zone and the process ID cost a command-line
     * tool, which usually logs nothing, several milliseconds of its start-up.
     */
    private static final class Lazy {
        static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);
        static final long PID = ProcessHandle.current().pid();
    }

    /** syslog_name/program; "[pid]" is added when a line is logged. */
    private static volatile String name = "postfix/postroom";
    private static volatile String tag;
    private static volatile String host = "localhost";
    private static volatile OutputStream sink = null;
    private static volatile boolean alsoStderr = false;
    private static volatile boolean verbose = false;

    private Msg() {}

    /**
     * Configures the logger. {@code maillogFile} empty means stderr. {@code alsoStderr} copies lines to
     * stderr with the "program: " prefix, as Postfix tools do.
     */
    public static synchronized void init(String syslogName, String program, String myhostname, String maillogFile,
                                         boolean copyToStderr) {
        name = syslogName + "/" + program;
        tag = null;
        int dot = myhostname.indexOf('.');
        host = dot > 0 ? myhostname.substring(0, dot) : myhostname;
        alsoStderr = copyToStderr;
        OutputStream old = sink;
        sink = null;
        if (old != null) {
            try {
                old.close();
            } catch (IOException e) {
                // ignore
            }
        }
        if (maillogFile != null && !maillogFile.isEmpty()) {
            try {
                sink = new FileOutputStream(maillogFile, true);
            } catch (IOException e) {
                System.err.println(program + ": warning: cannot open maillog_file " + maillogFile + ": " + e.getMessage());
            }
        }
        JulHandler.install();
    }

    public static void setVerbose(boolean v) {
        verbose = v;
        JulHandler.install();
    }

    public static boolean verbose() {
        return verbose;
    }

    public static void info(String text) {
        emit("", text);
    }

    public static void debug(String text) {
        if (verbose) emit("", text);
    }

    public static void warn(String text) {
        emit("warning: ", text);
    }

    public static void error(String text) {
        emit("error: ", text);
    }

    /** Logs a fatal message; the caller exits (only skeletons and tool mains do). */
    public static void fatal(String text) {
        emit("fatal: ", text);
    }

    public static void panic(String text) {
        emit("panic: ", text);
    }

    private static void emit(String severity, String text) {
        String clean = Printable.sanitize(text);
        String t = tag;
        if (t == null) tag = t = name + "[" + Lazy.PID + "]";
        String line = Lazy.STAMP.format(ZonedDateTime.now()) + " " + host + " " + t + ": " + severity + clean + "\n";
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        OutputStream s = sink;
        if (s != null) {
            try {
                s.write(bytes);
            } catch (IOException e) {
                System.err.print(line);
            }
        } else {
            PrintStream err = System.err;
            err.print(line);
            err.flush();
        }
        if (alsoStderr && s != null) {
            String prog = t.substring(t.lastIndexOf('/') + 1, t.indexOf('['));
            System.err.println(prog + ": " + severity + clean);
        }
    }
}
