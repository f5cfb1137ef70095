package org.postroom.tools.postmap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.table.DbBuilder;
import org.postroom.global.table.FailTable;
import org.postroom.global.table.ListableTable;
import org.postroom.global.table.Table;
import org.postroom.global.table.TableException;
import org.postroom.global.table.TableOptions;
import org.postroom.global.table.Tables;

/**
 * What postmap(1) and postalias(1) share (postmap.c, postalias.c): reading main.cf, opening "[type:]name"
 * arguments, -q, -q -, -d, -d -, -s, and writing a hash/btree table from parsed source entries. Messages
 * go to stderr as {@code prog: warning: text} and {@code prog: fatal: text}; a fatal error ends the
 * program with exit status 1 through {@link Fatal}.
 */
public final class MapTool {

    /** A fatal error that was already printed. */
    public static final class Fatal extends RuntimeException {
        Fatal() {
            super(null, null, false, false);
        }
    }

    /** Parses a source (file or stdin) into entries and adds them to a table. */
    public interface Source {
        void load(byte[] data, String path, DbBuilder into, TableOptions opt);
    }

    private final String prog;
    private final PrintStream err;
    private final OutputStream out;
    private final String defaultType;
    private final String seqSeparator;
    private TableOptions opt;

    /**
     * @param seqSeparator what goes between key and value in -s and -q - output ("\t" for postmap,
     *                     ":\t" for postalias)
     */
    public MapTool(String prog, MainCf cfg, OutputStream out, PrintStream err, String seqSeparator) {
        this.prog = prog;
        this.err = err;
        this.out = out;
        this.seqSeparator = seqSeparator;
        this.defaultType = cfg.get(Params.DEFAULT_DATABASE_TYPE);
        this.opt = TableOptions.DEFAULT.withWarn(this::warn).withUtf8(cfg.get(Params.SMTPUTF8_ENABLE));
    }

    /** Reads {@code dir/main.cf}; a missing file is fatal, as in Postfix. */
    public static MainCf config(String prog, String dir, PrintStream err) {
        Path d = Path.of(dir);
        if (!Files.exists(d.resolve("main.cf"))) {
            err.println(prog + ": fatal: open " + dir + "/main.cf: No such file or directory");
            throw new Fatal();
        }
        try {
            return MainCf.load(d, java.util.Map.of(), w -> err.println(prog + ": warning: " + w));
        } catch (ConfigException e) {
            err.println(prog + ": fatal: " + e.getMessage());
            throw new Fatal();
        }
    }

    public TableOptions options() {
        return opt;
    }

    public void options(TableOptions o) {
        this.opt = o.withWarn(this::warn);
    }

    public void warn(String text) {
        err.println(prog + ": warning: " + text);
    }

    public Fatal fatal(String text) {
        err.println(prog + ": fatal: " + text);
        err.flush();
        return new Fatal();
    }

    /** "type:name" with the default type filled in: {type, name}. */
    public String[] split(String map) {
        int colon = map.indexOf(':');
        return colon < 0 ? new String[] {defaultType, map} : new String[] {map.substring(0, colon), map.substring(colon + 1)};
    }

    public Table open(String map) {
        String[] tn = split(map);
        try {
            return Tables.open(tn[0], tn[1], opt);
        } catch (TableException | ConfigException e) {
            throw fatal(e.getMessage());
        }
    }

    private Optional<String> get(Table t, String key) {
        try {
            return t.lookup(key);
        } catch (TableException e) {
            throw fatal(e.getMessage());
        }
    }

    private void emptyResult(Table t, String key) {
        warn("table " + t.spec() + ": key " + key + ": empty string result is not allowed");
        warn("table " + t.spec() + " should return NO RESULT in case of NOT FOUND");
    }

    /** -q key: the first table that has the key prints its value; 0 when found. */
    public int query(String key, List<String> maps) throws IOException {
        for (String m : maps) {
            try (Table t = open(m)) {
                Optional<String> v = get(t, key);
                if (v.isPresent()) {
                    if (v.get().isEmpty()) emptyResult(t, key);
                    out.write((v.get() + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    return 0;
                }
            }
        }
        return 1;
    }

    /** -q -: keys from stdin, "key SEP value" for each one found; 0 when any was found. */
    public int queries(List<String> keys, List<String> maps) throws IOException {
        Table[] tables = new Table[maps.size()];
        boolean found = false;
        try {
            for (String key : keys) {
                for (int n = 0; n < maps.size(); n++) {
                    if (tables[n] == null) tables[n] = open(maps.get(n));
                    Optional<String> v = get(tables[n], key);
                    if (v.isPresent()) {
                        if (v.get().isEmpty()) emptyResult(tables[n], key);
                        out.write((key + seqSeparator + v.get() + "\n").getBytes(StandardCharsets.UTF_8));
                        found = true;
                        break;
                    }
                }
            }
        } finally {
            for (Table t : tables) {
                if (t != null) t.close();
            }
        }
        out.flush();
        return found ? 0 : 1;
    }

    /** Lines of {@code in} without their newline, as vstring_get_nonl() reads them. */
    public static List<String> lines(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        List<String> out = new ArrayList<>();
        int s = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                out.add(new String(all, s, i - s, StandardCharsets.UTF_8));
                s = i + 1;
            }
        }
        if (s < all.length) out.add(new String(all, s, all.length - s, StandardCharsets.UTF_8));
        return out;
    }

    /** -d: removes {@code keys} from every table; 0 when any was found. */
    public int delete(List<String> keys, List<String> maps) throws IOException {
        List<DbBuilder> dbs = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (String m : maps) {
            String[] tn = split(m);
            dbs.add(writable(tn[0], tn[1], false));
            files.add(Path.of(tn[1] + ".db"));
        }
        boolean found = false;
        for (String k : keys) {
            for (DbBuilder db : dbs) found |= db.delete(k);
        }
        for (int i = 0; i < dbs.size(); i++) commit(dbs.get(i), files.get(i), null);
        return found ? 0 : 1;
    }

    /** A hash/btree table to change; other types get Postfix's errors. */
    public DbBuilder writable(String type, String name, boolean mayCreate) {
        switch (type) {
            case "hash", "btree" -> {
                try {
                    return DbBuilder.update(name, opt, mayCreate);
                } catch (TableException e) {
                    throw fatal(e.getMessage());
                }
            }
            case "regexp", "pcre", "cidr", "texthash", "inline" -> {
                if (mayCreate) throw fatal("unsupported dictionary type: " + type + " does not support bulk-mode creation.");
                throw fatal(type + ":" + name + " map requires O_RDONLY access mode");
            }
            default -> {
                if (!Tables.TYPES.contains(type)) throw fatal("unsupported dictionary type: " + type);
                if (mayCreate) throw fatal("unsupported dictionary type: " + type + " does not support bulk-mode creation.");
                throw fatal("table " + type + ":" + name + ": delete operation is not supported");
            }
        }
    }

    /** -s: every entry of the first table. */
    public int sequence(List<String> maps) throws IOException {
        String m = maps.getFirst();
        try (Table t = open(m)) {
            if (t instanceof FailTable) throw fatal("table " + t.spec() + ": sequence error: Application error");
            if (!(t instanceof ListableTable lt)) throw fatal("table " + t.spec() + ": sequence operation is not supported");
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try {
                for (ListableTable.Entry e : lt.entries()) {
                    if (e.key().isEmpty()) warn("table " + t.spec() + ": empty lookup key value is not allowed");
                    else if (e.value().isEmpty()) emptyResult(t, e.key());
                    b.write((e.key() + seqSeparator + e.value() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            } catch (TableException e) {
                throw fatal("table " + t.spec() + ": sequence error: " + e.reason());
            }
            b.writeTo(out);
        }
        out.flush();
        return 0;
    }

    /**
     * Builds table {@code map} from its source file, or with {@code incremental} from {@code stdin} into the
     * existing table.
     */
    public void build(String map, boolean incremental, InputStream stdin, Source source, Perms perms) throws IOException {
        String[] tn = split(map);
        String type = tn[0];
        String name = tn[1];
        byte[] data;
        String path;
        Path src = Path.of(name);
        if (incremental) {
            data = stdin.readAllBytes();
            path = "stdin";
        } else {
            if (!Tables.TYPES.contains(type)) {
                throw fatal("unsupported dictionary type: " + type + ". Is the postfix-" + type + " package installed?");
            }
            try {
                data = Files.readAllBytes(src);
            } catch (NoSuchFileException e) {
                throw fatal("open " + name + ": No such file or directory");
            } catch (IOException e) {
                throw fatal("open " + name + ": " + e.getMessage());
            }
            path = name;
        }
        DbBuilder db;
        if (incremental) {
            db = writable(type, name, true);
        } else {
            if (!type.equals("hash") && !type.equals("btree")) {
                throw fatal("unsupported dictionary type: " + type + " does not support bulk-mode creation.");
            }
            db = DbBuilder.create(name, opt);
        }
        source.load(data, path, db, opt);
        commit(db, Path.of(name + ".db"), incremental ? null : perms.forSource(src));
    }

    private void commit(DbBuilder db, Path file, Perms.Result p) {
        Perms.Result r = p != null ? p : Perms.existing(file);
        try {
            db.commit(r.mode(), r.owner());
        } catch (IOException e) {
            String why = e instanceof java.nio.file.AccessDeniedException ? "Permission denied" : e.getMessage();
            throw fatal("open database " + file + ": " + why);
        }
    }
}
