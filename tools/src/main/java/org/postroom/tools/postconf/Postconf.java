package org.postroom.tools.postconf;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postroom.global.bounce.BounceTemplates;
import org.postroom.global.bounce.TemplateContext;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.LogicalLines;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.tools.common.Cli;
import org.postroom.tools.common.Exit;
import org.postroom.tools.common.Fatal;
import org.postroom.tools.common.Spec;
import org.postroom.tools.common.ToolLog;
import org.postroom.util.ExitCode;
import picocli.CommandLine.Model.CommandSpec;

/**
 * NAME
 *     postconf - Postroom configuration utility
 * SYNOPSIS
 *     postconf [-dfhHnqvx] [-c config_dir] [-C class] [-o name=value] [name ...]
 *     postconf -e [-c config_dir] name=value ...      postconf -X | -# [-c config_dir] name ...
 *     postconf -M [-fx] [service[/type] ...]            postconf -Me|-MX|-M# service/type[=entry] ...
 *     postconf -F [-fhHx] [service[/type[/field]] ...]  postconf -Fe service/type/field=value ...
 *     postconf -P [-fhHx] [service[/type[/param]] ...]  postconf -Pe|-PX service/type/param[=value] ...
 *     postconf -m | -l                                  postconf -b | -t [-c config_dir] [template_file]
 * DESCRIPTION
 *     With no option, prints every parameter as "name = value", sorted; with names, those names in
 *     argument order. -n only the parameters set in main.cf; -d the built-in defaults (expressions
 *     as written, e.g. relay_domains = ${{$compatibility_level} <level {2} ? {$mydestination} : {}});
 *     -h values only; -H names only; -x expand $name; -f fold long lines; -o name=value overrides.
 *     -e edits main.cf in place (an existing line with its continuation lines is replaced, a new name
 *     is appended; "name=value" arguments imply -e), -X removes parameters, -# comments them out. The
 *     rest of the file is kept byte for byte, and the file is replaced atomically.
 *     -M shows master.cf entries with Postfix's column alignment, -F their fields
 *     (service/type/field = value), -P their -o parameters; with -e, -X or -# they edit master.cf.
 *     -m lists the lookup table types Postroom supports, -l the mailbox locking methods.
 *     -b prints the text of the bounce templates (bounce(5)) with $name expanded, as bounce(8) puts it in
 *     notices; -t prints the templates themselves, in the format of bounce_template_file. Both use the
 *     template_file argument instead of bounce_template_file when one is given, and the built-in templates
 *     when neither names a file.
 *     Unknown names give "postconf: warning: NAME: unknown parameter"; main.cf and master.cf settings
 *     that nothing uses give "postconf: warning: FILE: unused parameter: name=value" (-q turns those
 *     warnings off).
 * SECURITY
 *     Reads the configuration as the invoking user; edits need write access to the file.
 * DIAGNOSTICS
 *     Problems go to standard error as "postconf: fatal: ..." with exit status 1; bad options print
 *     getopt(3)'s complaint and the usage line.
 * BUGS
 *     -a, -A (SASL plug-ins) and -T (TLS) are not supported. Template file errors are reported by postconf
 *     itself ("postconf: warning: FILE:LINE: ..."), not by a bounce(8) process as in Postfix. postconf -d
 *     lists exactly the parameters Postroom implements, not Postfix's thousand.
 * CONFIGURATION PARAMETERS
 *     config_directory (/etc/postroom): where main.cf and master.cf are (-c, $MAIL_CONFIG)
 * SEE ALSO
 *     postfix(1), master(5), postconf(5) of Postfix
 */
public final class Postconf implements Cli.Tool {
    static final String USAGE = "postconf [-a (server SASL types)] [-A (client SASL types)] [-b (bounce templates)] "
            + "[-c config_dir] [-c param_class] [-d (parameter defaults)] [-e (edit configuration)] [-f (fold lines)] "
            + "[-F (master.cf fields)] [-h (no names)] [-H (no values)] [-l (lock types)] [-m (map types)] "
            + "[-M (master.cf)] [-n (non-default parameters)] [-o name=value (override parameter value)] "
            + "[-p (main.cf, default)] [-P (master.cf parameters)] [-t (bounce templates)] "
            + "[-T compile-version|run-version|public-key-algorithms] [-v (verbose)] [-x (expand parameter values)] "
            + "[-X (exclude)] [-# (comment-out)] [name...]";

    boolean saslServer, saslClient, bounceExpand;
    Path configDir;
    String paramClass;
    boolean defaults, edit, ignoredE, fold, fields, hideName, hideValue, locks, maps, master, nonDefault;
    List<String> overrides = new ArrayList<>();
    boolean mainParams, masterParams, quiet, bounceDump;
    String tls;
    boolean[] verbose;
    boolean eval, exclude, commentOut;
    List<String> names = new ArrayList<>();

    /** The options, as {@code @Option(names = "-a") boolean saslServer;} etc. would declare them ({@link Options}). */
    CommandSpec spec() {
        return new Spec("postconf", this, new Options(this))
                .flag("saslServer", "-a").flag("saslClient", "-A").flag("bounceExpand", "-b")
                .value("configDir", Path.class, "-c").value("paramClass", String.class, "-C")
                .flag("defaults", "-d").flag("edit", "-e").flag("ignoredE", "-E").flag("fold", "-f").flag("fields", "-F")
                .flag("hideName", "-h").flag("hideValue", "-H").flag("locks", "-l").flag("maps", "-m").flag("master", "-M")
                .flag("nonDefault", "-n").list("overrides", String.class, "-o").flag("mainParams", "-p")
                .flag("masterParams", "-P").flag("quiet", "-q").flag("bounceDump", "-t").value("tls", String.class, "-T")
                .flags("verbose", "-v").flag("eval", "-x").flag("exclude", "-X").flag("commentOut", "-#")
                .positionals("names").build();
    }

    public static void main(String[] args) {
        Exit.now(run(args));
    }

    /** Runs postconf and returns its exit status. */
    public static int run(String[] args) {
        return Cli.run("postconf", new Postconf().spec(), USAGE, ExitCode.FATAL, args);
    }

    int mode() {
        int m = 0;
        if (saslServer) m |= Mode.SHOW_SASL_SERV;
        if (saslClient) m |= Mode.SHOW_SASL_CLNT;
        if (bounceExpand) m |= Mode.EXP_DSN_TEMPL;
        if (paramClass != null) m |= Mode.PARAM_CLASS;
        if (defaults) m |= Mode.SHOW_DEFS;
        if (edit) m |= Mode.EDIT_CONF;
        if (fold) m |= Mode.FOLD_LINE;
        if (fields) m |= Mode.MASTER_FLD;
        if (hideName) m |= Mode.HIDE_NAME;
        if (hideValue) m |= Mode.HIDE_VALUE;
        if (locks) m |= Mode.SHOW_LOCKS;
        if (maps) m |= Mode.SHOW_MAPS;
        if (master) m |= Mode.MASTER_ENTRY;
        if (nonDefault) m |= Mode.SHOW_NONDEF;
        if (!overrides.isEmpty()) m |= Mode.MAIN_OVER;
        if (mainParams) m |= Mode.MAIN_PARAM;
        if (masterParams) m |= Mode.MASTER_PARAM;
        if (bounceDump) m |= Mode.DUMP_DSN_TEMPL;
        if (tls != null) m |= Mode.SHOW_TLS;
        if (eval) m |= Mode.SHOW_EVAL;
        if (exclude) m |= Mode.EDIT_EXCL;
        if (commentOut) m |= Mode.COMMENT_OUT;
        if ((m & Mode.MAJOR) == 0) m |= Mode.MAIN_PARAM;
        if ((m & (Mode.MAIN_PARAM | Mode.MASTER_ANY)) != 0 && !names.isEmpty() && names.get(0).indexOf('=') >= 0) m |= Mode.EDIT_CONF;
        return m;
    }

    @Override
    public Integer call() {
        if (bounceExpand && bounceDump) throw new Fatal("specify one of -b and -t");
        int mode = mode();
        Mode.check(mode);
        if ((mode & Mode.EDIT_CONF) != 0 && names.isEmpty()) throw new Fatal("-e requires name=value argument");
        int classMask = paramClasses(paramClass);
        Path dir = Cli.configDirectory(configDir);
        boolean dirGiven = configDir != null || System.getenv("MAIL_CONFIG") != null && !System.getenv("MAIL_CONFIG").isEmpty();
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false,
                StandardCharsets.UTF_8);
        try {
            if ((mode & (Mode.EXP_DSN_TEMPL | Mode.DUMP_DSN_TEMPL)) != 0) {
                out.print(templates(dir, (mode & Mode.DUMP_DSN_TEMPL) != 0, names));
                return ExitCode.OK;
            }
            if ((mode & Mode.SHOW_TLS) != 0) throw new Fatal("TLS is not supported by Postroom");
            if ((mode & (Mode.SHOW_SASL_SERV | Mode.SHOW_SASL_CLNT)) != 0) return ExitCode.OK; // no SASL plug-ins
            if ((mode & Mode.SHOW_MAPS) != 0) {
                requireMainCf(dir);
                MapTypes.supported().forEach(t -> out.print(t + "\n"));
            } else if ((mode & Mode.SHOW_LOCKS) != 0) {
                out.print("flock\nfcntl\ndotlock\n");
            } else if ((mode & Mode.EDITS) != 0) {
                if (names.isEmpty()) throw new Fatal("missing service argument");
                if ((mode & Mode.MASTER_ANY) != 0) MasterEditor.edit(dir.resolve("master.cf"), mode, names);
                else MainEditor.edit(dir.resolve("main.cf"), (mode & Mode.EDIT_CONF) != 0 ? MainEditor.EDIT
                        : (mode & Mode.EDIT_EXCL) != 0 ? MainEditor.EXCLUDE : MainEditor.COMMENT, names);
            } else {
                Config c = Config.read(dir, dirGiven, overrides, (mode & Mode.MASTER_ANY) != 0, (mode & Mode.SHOW_DEFS) == 0);
                boolean warn = !quiet;
                if ((mode & Mode.MASTER_ANY) != 0) {
                    MasterPrinter p = new MasterPrinter(out, mode, (e, v) -> (mode & Mode.SHOW_EVAL) != 0 ? c.expand(e, v) : v);
                    if ((mode & Mode.MASTER_FLD) != 0) p.fields(c.master(), names);
                    else if ((mode & Mode.MASTER_PARAM) != 0) p.params(c.master(), names);
                    else p.entries(c.master(), names);
                    out.flush();
                    if (warn) c.warnUnusedMaster();
                } else {
                    new ParamPrinter(out, mode, c).show(names, classMask);
                    out.flush();
                    if (warn && (mode & Mode.SHOW_DEFS) == 0) {
                        c.warnUnusedMain();
                        c.warnUnusedMaster();
                    }
                }
            }
        } catch (ConfigException e) {
            throw new Fatal(e.getMessage());
        } finally {
            out.flush();
        }
        return ExitCode.OK;
    }

    /**
     * postconf -b and -t: the bounce templates of bounce_template_file, or of the one file named, with $name
     * expanded (-b, what bounce(8) would put in a notice) or as they are (-t, a template file to edit).
     */
    static String templates(Path dir, boolean dump, List<String> files) {
        if (files.size() > 1) throw new Fatal("options -b and -t require at most one template file");
        MainCf cfg = MainCf.load(dir, Map.of(), w -> ToolLog.warn(w));
        if (!files.isEmpty()) cfg = cfg.withOverrides(Map.of(Params.BOUNCE_TEMPLATE_FILE.name(), files.get(0)));
        BounceTemplates t = BounceTemplates.load(cfg, w -> ToolLog.warn(w));
        if (dump) return t.dump(cfg.get(Params.HEADER_FROM_FORMAT).equals("obsolete"));
        return t.expand(TemplateContext.of(cfg, w -> ToolLog.warn(w)));
    }

    /** The unused-parameter warnings of "postconf >/dev/null", for postfix check. */
    public static void warnUnused(Path dir) {
        Config c = Config.read(dir, true, List.of(), false, true);
        c.warnUnusedMain();
        c.warnUnusedMaster();
    }

    private static void requireMainCf(Path dir) {
        Path f = dir.resolve("main.cf");
        if (!Files.exists(f)) throw new Fatal("open " + f + ": No such file or directory");
    }

    private static int paramClasses(String spec) {
        if (spec == null) return ParamTable.BUILTIN | ParamTable.SERVICE | ParamTable.USER;
        int m = 0;
        for (String w : spec.toLowerCase(java.util.Locale.ROOT).split("[,\\s]+")) {
            switch (w) {
                case "builtin" -> m |= ParamTable.BUILTIN;
                case "service" -> m |= ParamTable.SERVICE;
                case "user" -> m |= ParamTable.USER;
                case "all" -> m |= ParamTable.BUILTIN | ParamTable.SERVICE | ParamTable.USER;
                case "" -> { }
                default -> throw new Fatal("-C option: unknown name \"" + w + "\" in \"" + spec + "\"");
            }
        }
        return m;
    }

    /** The configuration as postconf reads it: main.cf settings, -o overrides and master.cf entries. */
    static final class Config {
        final Path dir;
        final Map<String, String> settings;
        final Map<String, String> fileSettings;
        final MainCf cfg;
        final List<ServiceEntry> masterEntries;
        final ParamTable table;

        private Config(Path dir, Map<String, String> settings, Map<String, String> fileSettings, MainCf cfg,
                       List<ServiceEntry> master) {
            this.dir = dir;
            this.settings = settings;
            this.fileSettings = fileSettings;
            this.cfg = cfg;
            this.masterEntries = master;
            this.table = new ParamTable(cfg, settings, master, true);
        }

        /**
         * Reads main.cf and master.cf. Without {@code mainRequired} (postconf -d, which shows only defaults, as
         * Postfix's does without reading main.cf) a missing main.cf is an empty one.
         */
        static Config read(Path dir, boolean dirGiven, List<String> overrides, boolean masterRequired, boolean mainRequired) {
            if (mainRequired) requireMainCf(dir);
            Map<String, String> ov = new LinkedHashMap<>();
            for (String o : overrides) {
                int eq = o.indexOf('=');
                if (eq <= 0) throw new Fatal("missing '=' after attribute name: \"" + o + "\"");
                ov.put(o.substring(0, eq).strip(), o.substring(eq + 1).strip());
            }
            Path mainCf = dir.resolve("main.cf");
            MainCf cfg = mainRequired || Files.exists(mainCf) ? MainCf.load(dir, ov, w -> ToolLog.warn(w))
                    : MainCf.parse(mainCf, "", ov, w -> ToolLog.warn(w));
            Map<String, String> file = new LinkedHashMap<>();
            cfg.settings().forEach((k, v) -> file.put(k, v.value()));
            Map<String, String> settings = new LinkedHashMap<>(file);
            if (dirGiven) settings.put("config_directory", dir.toString());
            settings.putAll(ov);
            return new Config(dir, settings, file, cfg, readMaster(dir, masterRequired));
        }

        static List<ServiceEntry> readMaster(Path dir, boolean required) {
            Path f = dir.resolve("master.cf");
            String text;
            try {
                text = Files.readString(f, StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                String why = e instanceof java.nio.file.NoSuchFileException ? "No such file or directory" : e.getMessage();
                if (required) throw new Fatal("open " + f + ": " + why);
                ToolLog.warn("open " + f + ": " + why);
                return List.of();
            }
            List<ServiceEntry> out = new ArrayList<>();
            for (LogicalLines.Line l : LogicalLines.split(text, w -> ToolLog.warn(f + ": " + w))) {
                try {
                    out.add(ServiceEntry.parse(l.text()));
                } catch (Fatal e) {
                    throw new Fatal("file " + f + ": line " + l.number() + ": " + e.getMessage());
                }
            }
            return out;
        }

        List<ServiceEntry> master() {
            return masterEntries;
        }

        String expand(ServiceEntry e, String value) {
            Map<String, String> ov = new LinkedHashMap<>(e.params());
            ov.putIfAbsent("service_name", e.name());
            return cfg.withOverrides(ov).expand(value);
        }

        void warnUnusedMain() {
            for (Map.Entry<String, String> s : fileSettings.entrySet()) {
                if (!table.known(s.getKey())) {
                    ToolLog.warn(dir.resolve("main.cf") + ": unused parameter: " + s.getKey() + "=" + s.getValue());
                }
            }
        }

        void warnUnusedMaster() {
            for (ServiceEntry e : masterEntries) {
                for (Map.Entry<String, String> p : e.params().entrySet()) {
                    if (!table.known(p.getKey())) {
                        ToolLog.warn(dir.resolve("master.cf") + ": unused parameter: " + p.getKey() + "=" + p.getValue());
                    }
                }
            }
        }
    }
}
