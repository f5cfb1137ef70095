package org.postroom.tools.postalias;

import org.postroom.tools.common.Exit;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.table.TableOptions;
import org.postroom.tools.postmap.Argv;
import org.postroom.tools.postmap.Flags;
import org.postroom.tools.postmap.MapTool;
import org.postroom.tools.postmap.Perms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * NAME
 *     postalias - Postroom alias database maintenance
 * SYNOPSIS
 *     postalias [-Nfinoprsuvw] [-c config_dir] [-d key] [-q key] [file_type:]file_name ...
 * DESCRIPTION
 *     Creates, queries or updates alias databases, as Postfix's postalias(1). The source is in
 *     aliases(5) format: "name: value, value, ..." with continuation lines; names are folded to lower
 *     case and stored unquoted, values are stored as a normalised RFC 822 list ("a, b, \"|cmd arg\"").
 *     Like Postfix, postalias adds the entry "@" -> "@" and the NIS entries YP_LAST_MODIFIED and
 *     YP_MASTER_NAME. The output is file.db in the format of docs/table-format.md.
 *     -q key / -q -, -s, -d key / -d -, -i, -f, -N / -n, -r / -w, -p, -o, -u, -c, -v: as in postmap(1);
 *     -s and -q - print "key:<TAB>value".
 *     newaliases(1) runs postalias on every table in alias_database.
 * SECURITY
 *     Run by root it writes a new table as the owner of the source file (unless -o).
 * DIAGNOSTICS
 *     "postalias: warning: aliases, line 5: need name:value pair", "name must be local", duplicate
 *     entries; exit 0 on success or when a key was found, 1 otherwise.
 * BUGS
 *     -s lists entries in key order, not Berkeley DB order.
 * CONFIGURATION PARAMETERS
 *     alias_database (hash:/etc/aliases), default_database_type (hash), myhostname, smtputf8_enable,
 *     config_directory (/etc/postroom)
 * SEE ALSO
 *     postmap(1), aliases(5), local(8), newaliases(1)
 */
@Command(name = "postalias", mixinStandardHelpOptions = false)
public final class Postalias implements Callable<Integer> {
    static final String USAGE = "usage: postalias [-Nfinoprsuvw] [-c config_dir] [-d key] [-q key] [map_type:]file...";

    private final InputStream stdin;
    private final OutputStream stdout;
    private final PrintStream stderr;
    private final Flags f = Flags.forProgram("postalias");
    private final boolean newaliases;

    @Parameters(paramLabel = "map") List<String> maps = new ArrayList<>();

    Postalias(InputStream in, OutputStream out, PrintStream err, boolean newaliases) {
        this.stdin = in;
        this.stdout = out;
        this.stderr = err;
        this.newaliases = newaliases;
    }

    @Option(names = "-c") void c(String v) { f.configDir(v); }
    @Option(names = "-d") void d(String v) { f.one('d', v, stderr); }
    @Option(names = "-f") void fold(boolean v) { f.noFold(); }
    @Option(names = "-i") void i(boolean v) { f.incremental(); }
    @Option(names = "-n") void n(boolean v) { f.nul(false); }
    @Option(names = "-N") void nn(boolean v) { f.nul(true); }
    @Option(names = "-o") void o(boolean v) { f.noOwner(); }
    @Option(names = "-p") void p(boolean v) { f.noSavePerm(); }
    @Option(names = "-q") void q(String v) { f.one('q', v, stderr); }
    @Option(names = "-r") void r(boolean v) { f.duplicates(TableOptions.Duplicates.REPLACE); }
    @Option(names = "-s") void s(boolean v) { f.one('s', null, stderr); }
    @Option(names = "-u") void u(boolean v) { f.noUtf8(); }
    @Option(names = "-v") void v(boolean v) { f.verbose(); }
    @Option(names = "-w") void w(boolean v) { f.duplicates(TableOptions.Duplicates.IGNORE); }

    public static void main(String[] args) {
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
        Exit.now(out, run(Argv.utf8(args), System.in, out, err));
    }

    public static int run(String[] args, InputStream in, OutputStream out, PrintStream err) {
        return Flags.execute("postalias", USAGE, new Postalias(in, out, err, false), args, err);
    }

    /** newaliases: the options, then every table of alias_database (or the given ones). */
    static int runNewaliases(String[] args, InputStream in, OutputStream out, PrintStream err) {
        return Flags.execute("postalias", USAGE, new Postalias(in, out, err, true), args, err);
    }

    @Override
    public Integer call() throws IOException {
        try {
            return work();
        } catch (MapTool.Fatal e) {
            return 1;
        }
    }

    private int work() throws IOException {
        MainCf cfg = MapTool.config("postalias", f.configDir(), stderr);
        MapTool tool = new MapTool("postalias", cfg, stdout, stderr, ":\t");
        tool.options(f.apply(tool.options()));
        if (newaliases && maps.isEmpty()) maps = new ArrayList<>(cfg.get(Params.ALIAS_DATABASE));
        if (f.deleteKey() != null) {
            if (maps.isEmpty()) throw tool.fatal(USAGE);
            List<String> keys = f.deleteKey().equals("-") ? MapTool.lines(stdin) : List.of(f.deleteKey());
            return tool.delete(keys, maps);
        }
        if (f.queryKey() != null) {
            if (maps.isEmpty()) throw tool.fatal(USAGE);
            if (f.queryKey().equals("-")) return tool.queries(MapTool.lines(stdin), maps);
            return tool.query(f.queryKey(), maps);
        }
        if (f.isSequence()) return maps.isEmpty() ? 1 : tool.sequence(maps);
        if (maps.isEmpty()) throw tool.fatal(USAGE);
        String host = cfg.get(Params.MYHOSTNAME);
        boolean incremental = f.isIncremental();
        for (String m : maps) {
            tool.build(m, incremental, stdin, (data, path, db, opt) -> {
                AliasSource.load(data, path, db, opt);
                db.options(incremental ? opt.withDuplicates(TableOptions.Duplicates.REPLACE) : opt);
                db.put("@", "@");
                db.options(opt.withFold(false).withNul(false, true).withDuplicates(
                        incremental ? TableOptions.Duplicates.REPLACE : opt.dup()));
                db.put("YP_LAST_MODIFIED", String.format("%010d", System.currentTimeMillis() / 1000));
                db.put("YP_MASTER_NAME", host);
            }, new Perms(f.savePerm(), f.asOwner()));
        }
        return 0;
    }
}
