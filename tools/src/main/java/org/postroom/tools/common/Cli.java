package org.postroom.tools.common;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.postroom.global.config.Params;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs a picocli tool the way a Postfix program behaves: a bad option gives getopt's line
 * ({@code prog: invalid option -- 'Z'} or {@code prog: option requires an argument -- 'd'}) and then
 * {@code prog: fatal: usage: ...}; a {@link Fatal} prints its line and exits with its status.
 */
public final class Cli {
    private Cli() {}

    private static final String CONVERTER_EXCLUDES = "picocli.converters.excludes";
    private static final String UNUSED_CONVERTERS = "java\\.time\\..*,java\\.sql\\..*,java\\.nio\\.file\\.Path";

    /** Parses and runs {@code tool} (an annotated Callable, or a {@link Spec}'s model of one); returns the exit status. */
    public static int run(String prog, Object tool, String usage, int usageStatus, String[] args) {
        ToolLog.program(prog);
        CommandLine cl = commandLine(tool);
        cl.setPosixClusteredShortOptionsAllowed(true);
        cl.setUnmatchedOptionsArePositionalParams(false);
        cl.setStopAtPositional(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            String why = getoptMessage(ex);
            if (why != null) System.err.println(prog + ": " + why);
            ToolLog.fatal("usage: " + usage);
            return usageStatus;
        });
        cl.setExecutionExceptionHandler((ex, c, p) -> {
            if (ex instanceof Fatal f) {
                ToolLog.fatal(f.getMessage());
                return f.status();
            }
            throw ex;
        });
        return cl.execute(args);
    }

    /**
     * The picocli parser of every tool ({@code tool} annotated, or a {@link Spec} model), made without the
     * start-up work no tool needs: picocli's converters for java.time and java.sql types, which load and
     * initialise those classes (~8 ms; no tool has such options, and Path has {@link Spec#PATH}), and its
     * default factory, which looks for Groovy in every jar (~3 ms; {@link Spec#FACTORY} instead). Path
     * options are converted by {@link Spec#PATH}.
     */
    public static CommandLine commandLine(Object tool) {
        if (System.getProperty(CONVERTER_EXCLUDES) == null) System.setProperty(CONVERTER_EXCLUDES, UNUSED_CONVERTERS);
        CommandLine cl = tool instanceof CommandSpec spec ? new CommandLine(spec, Spec.FACTORY) : new CommandLine(tool, Spec.FACTORY);
        cl.registerConverter(Path.class, Spec.PATH);
        return cl;
    }

    /** getopt(3)'s complaint for a picocli parameter error, or null. */
    static String getoptMessage(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            if (arg.startsWith("-") && arg.length() > 1) return "invalid option -- '" + arg.charAt(arg.length() > 2 ? arg.length() - 1 : 1) + "'";
            return null;
        }
        if (ex instanceof CommandLine.MissingParameterException) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("option '-(.)'").matcher(String.valueOf(ex.getMessage()));
            if (m.find()) return "option requires an argument -- '" + m.group(1) + "'";
        }
        return null;
    }

    /** -c, else $MAIL_CONFIG, else the built-in config_directory. */
    public static Path configDirectory(Path option) {
        if (option != null) return option;
        String env = System.getenv("MAIL_CONFIG");
        return Path.of(env != null && !env.isEmpty() ? env : Params.CONFIG_DIRECTORY.defaultValue());
    }

    /** A Callable whose body may throw Fatal. */
    public interface Tool extends Callable<Integer> {}
}
