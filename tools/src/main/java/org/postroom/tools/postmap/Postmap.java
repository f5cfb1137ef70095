package org.postroom.tools.postmap;

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
import org.postroom.global.table.KeyValueSource;
import org.postroom.global.table.TableOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * NAME
 *     postmap - Postroom lookup table management
 * SYNOPSIS
 *     postmap [-bfhimnNoprsuUvw] [-c config_dir] [-d key] [-q key] [file_type:]file_name ...
 * DESCRIPTION
 *     Creates, queries or updates lookup tables, as Postfix's postmap(1). "postmap hash:file" reads
 *     "key whitespace value" lines from file (blank and # lines ignored, lines starting with whitespace
 *     continue the previous one, "quoted keys" may hold spaces) and writes file.db atomically (see
 *     docs/table-format.md); btree is the same format. Keys are folded to lower case. Any type the
 *     library knows can be queried: hash btree texthash inline static fail regexp pcre cidr unionmap
 *     pipemap pgsql.
 *     -q key    print the value of the first table that has key; -q - reads keys from stdin and prints
 *               "key<TAB>value" for each one found
 *     -s        print every entry of the first table, in key order
 *     -d key    delete key from each table (-d - reads keys from stdin)
 *     -i        incremental: add "key value" lines from stdin to an existing table
 *     -f        do not fold keys to lower case
 *     -N / -n   include / exclude the terminating NUL in keys (default: include; lookups try both)
 *     -r / -w   replace / ignore duplicate keys silently (default: keep the first, with a warning)
 *     -b -h -m  with "-q -": use message body lines / headers as keys (-m: MIME is not parsed)
 *     -p        new tables get mode 0644 instead of the source file's read permissions
 *     -o        as root, do not write tables as the source file's owner
 *     -u / -U   disable UTF-8 checks and Unicode folding / keep them with -b and -h
 *     -c dir    read main.cf from dir (also MAIL_CONFIG); -v verbose
 * SECURITY
 *     Run by root it writes a new table as the owner of the source file (unless -o).
 * DIAGNOSTICS
 *     Problems go to stderr as "postmap: warning: ..." and "postmap: fatal: ...", with Postfix's texts.
 *     Exit 0 on success and for a key that was found, 1 for not found and for fatal errors (a missing
 *     table or main.cf is fatal).
 * BUGS
 *     -F (base64 file values) is not supported. -s lists hash tables in key order, not Berkeley DB
 *     order. -m does not parse MIME. Tables are not Berkeley DB files (docs/table-format.md).
 * CONFIGURATION PARAMETERS
 *     default_database_type (hash), smtputf8_enable (yes at compatibility_level 1 and later),
 *     config_directory (/etc/postroom)
 * SEE ALSO
 *     postalias(1), regexp_table(5), pcre_table(5), cidr_table(5), pgsql_table(5), docs/table-format.md
 */
@Command(name = "postmap", mixinStandardHelpOptions = false)
public final class Postmap implements Callable<Integer> {
    static final String USAGE = "usage: postmap [-bfFhimnNoprsuUvw] [-c config_dir] [-d key] [-q key] [map_type:]file...";

    private final InputStream stdin;
    private final OutputStream stdout;
    private final PrintStream stderr;
    final Flags f = new Flags("postmap");

    @Parameters(paramLabel = "map") List<String> maps = new ArrayList<>();

    public Postmap(InputStream in, OutputStream out, PrintStream err) {
        this.stdin = in;
        this.stdout = out;
        this.stderr = err;
    }

    @Option(names = "-b") void b(boolean v) { f.body = true; }
    @Option(names = "-c") void c(String v) { f.configDir = v; }
    @Option(names = "-d") void d(String v) { f.one('d', v, stderr); }
    @Option(names = "-f") void fold(boolean v) { f.fold = false; }
    @Option(names = "-F") void base64(boolean v) { f.base64 = true; }
    @Option(names = "-h") void h(boolean v) { f.header = true; }
    @Option(names = "-i") void i(boolean v) { f.incremental = true; }
    @Option(names = "-m") void m(boolean v) { f.mime = true; }
    @Option(names = "-n") void n(boolean v) { f.nul(false); }
    @Option(names = "-N") void nn(boolean v) { f.nul(true); }
    @Option(names = "-o") void o(boolean v) { f.asOwner = false; }
    @Option(names = "-p") void p(boolean v) { f.savePerm = false; }
    @Option(names = "-q") void q(String v) { f.one('q', v, stderr); }
    @Option(names = "-r") void r(boolean v) { f.dup = TableOptions.Duplicates.REPLACE; }
    @Option(names = "-s") void s(boolean v) { f.one('s', null, stderr); }
    @Option(names = "-u") void u(boolean v) { f.utf8 = false; }
    @Option(names = "-U") void uu(boolean v) { f.forceUtf8 = true; }
    @Option(names = "-v") void v(boolean v) { f.verbose++; }
    @Option(names = "-w") void w(boolean v) { f.dup = TableOptions.Duplicates.IGNORE; }

    public static void main(String[] args) {
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
        Exit.now(out, run(Argv.utf8(args), System.in, out, err));
    }

    /** Runs postmap with {@code args}; the exit status. */
    public static int run(String[] args, InputStream in, OutputStream out, PrintStream err) {
        Postmap pm = new Postmap(in, out, err);
        return Flags.execute("postmap", USAGE, pm, args, err);
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
        MainCf cfg = MapTool.config("postmap", f.configDir(), stderr);
        MapTool tool = new MapTool("postmap", cfg, stdout, stderr, "\t");
        boolean anyKey = f.header || f.body || f.mime;
        if ((f.query == null || !f.query.equals("-")) && anyKey) throw tool.fatal("specify -b -h or -m only with \"-q -\"");
        if (f.mime && !f.header && !f.body) tool.warn("ignoring -m option without -b or -h");
        if (f.base64) throw tool.fatal("the -F option is not supported");
        TableOptions o = f.apply(tool.options());
        if ((f.header || f.body) && !f.forceUtf8) o = o.withUtf8(false);
        tool.options(o);
        if (f.delete != null) {
            if (maps.isEmpty()) throw tool.fatal(USAGE);
            List<String> keys = f.delete.equals("-") ? MapTool.lines(stdin) : List.of(f.delete);
            return tool.delete(keys, maps);
        }
        if (f.query != null) {
            if (maps.isEmpty()) throw tool.fatal(USAGE);
            if (!f.query.equals("-")) return tool.query(f.query, maps);
            List<String> lines = MapTool.lines(stdin);
            if (f.header || f.body) lines = MessageKeys.keys(lines, f.header, f.body);
            return tool.queries(lines, maps);
        }
        if (f.sequence) {
            if (maps.isEmpty()) return 1;
            return tool.sequence(maps);
        }
        if (maps.isEmpty()) throw tool.fatal(USAGE);
        for (String m : maps) {
            tool.build(m, f.incremental, stdin, (data, path, db, opt) -> {
                KeyValueSource.parse(data, path, opt, false, e -> db.put(e.key(), e.value()));
            }, new Perms(f.savePerm, f.asOwner));
        }
        return 0;
    }
}
