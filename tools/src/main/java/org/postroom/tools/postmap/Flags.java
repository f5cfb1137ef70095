package org.postroom.tools.postmap;

import java.io.PrintStream;
import java.util.Set;
import org.postroom.global.table.TableOptions;
import org.postroom.tools.common.Cli;
import picocli.CommandLine;

/**
 * Command-line state shared by postmap and postalias. Options are applied in command-line order (picocli
 * calls the annotated setters in order), because for Postfix the last of -N/-n or -r/-w wins and the
 * complaint about -s, -q and -d depends on which came first. Parse errors are reported as getopt(3) and
 * Postfix's usage() report them.
 */
public final class Flags {
    final String prog;
    String configDir;
    String query;
    String delete;
    boolean sequence;
    boolean fold = true;
    boolean utf8 = true;
    boolean forceUtf8;
    boolean withNul = true;
    boolean noNul = true;
    boolean incremental;
    boolean body;
    boolean header;
    boolean mime;
    boolean base64;
    boolean savePerm = true;
    boolean asOwner = true;
    int verbose;
    TableOptions.Duplicates dup = TableOptions.Duplicates.WARN;

    Flags(String prog) {
        this.prog = prog;
    }

    public static Flags forProgram(String prog) {
        return new Flags(prog);
    }

    public void configDir(String dir) {
        configDir = dir;
    }

    public void noFold() {
        fold = false;
    }

    public void incremental() {
        incremental = true;
    }

    public void noOwner() {
        asOwner = false;
    }

    public void noSavePerm() {
        savePerm = false;
    }

    public void duplicates(TableOptions.Duplicates d) {
        dup = d;
    }

    public void noUtf8() {
        utf8 = false;
    }

    public void verbose() {
        verbose++;
    }

    public String queryKey() {
        return query;
    }

    public String deleteKey() {
        return delete;
    }

    public boolean isSequence() {
        return sequence;
    }

    public boolean isIncremental() {
        return incremental;
    }

    public boolean savePerm() {
        return savePerm;
    }

    public boolean asOwner() {
        return asOwner;
    }

    /** -N (true) or -n (false). */
    public void nul(boolean with) {
        withNul = with;
        noNul = !with;
    }

    /** -q, -d or -s, with Postfix's "specify only one" checks. */
    public void one(char opt, String value, PrintStream err) {
        switch (opt) {
            case 'q', 'd' -> {
                if (sequence || query != null || delete != null) throw fatal(err, "specify only one of -s -q or -d");
                if (opt == 'q') query = value;
                else delete = value;
            }
            default -> {
                if (query != null || delete != null) throw fatal(err, "specify only one of -s or -q or -d");
                sequence = true;
            }
        }
    }

    private MapTool.Fatal fatal(PrintStream err, String text) {
        err.println(prog + ": fatal: " + text);
        return new MapTool.Fatal();
    }

    public String configDir() {
        if (configDir != null) return configDir;
        String env = System.getenv("MAIL_CONFIG");
        return env != null && !env.isEmpty() ? env : "/etc/postroom";
    }

    public TableOptions apply(TableOptions o) {
        return o.withFold(fold).withUtf8(o.utf8() && utf8).withNul(withNul, noNul).withDuplicates(dup);
    }

    /** Parses and runs {@code command}; getopt-style errors give the usage message and exit 1. */
    public static int execute(String prog, String usage, Object command, String[] args, PrintStream err) {
        CommandLine cl = Cli.commandLine(command);
        cl.setStopAtPositional(true);
        cl.setOverwrittenOptionsAllowed(true);
        cl.setAllowOptionsAsOptionParameters(true);
        cl.setPosixClusteredShortOptionsAllowed(true);
        cl.setUnmatchedOptionsAllowedAsOptionParameters(true);
        Set<Character> known = Set.copyOf(cl.getCommandSpec().options().stream()
                .map(o -> o.shortestName().charAt(1)).toList());
        cl.setParameterExceptionHandler((ex, a) -> {
            if (ex.getCause() instanceof MapTool.Fatal) return 1;
            String msg = ex.getMessage();
            if (ex instanceof CommandLine.MissingParameterException || msg.startsWith("Missing required parameter")
                    || msg.startsWith("Expected parameter")) {
                String o = msg.replaceAll("(?s).*'-(.)'.*", "$1");
                err.println(prog + ": option requires an argument -- '" + o + "'");
            } else if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
                String bad = u.getUnmatched().getFirst();
                char c = '?';
                for (int i = 1; i < bad.length(); i++) {
                    if (!known.contains(bad.charAt(i))) {
                        c = bad.charAt(i);
                        break;
                    }
                }
                err.println(prog + ": invalid option -- '" + c + "'");
            }
            err.println(prog + ": fatal: " + usage);
            return 1;
        });
        cl.setExecutionExceptionHandler((ex, c, r) -> {
            if (ex instanceof MapTool.Fatal) return 1;
            throw ex;
        });
        return cl.execute(args);
    }
}
