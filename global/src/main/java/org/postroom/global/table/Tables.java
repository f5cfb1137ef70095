package org.postroom.global.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.Param;

/**
 * Opens "type:name" tables (dict_open.c). Types: hash, btree ({@link IndexedTable}), texthash, inline,
 * static, fail, regexp, pcre, cidr, unionmap, pipemap, pgsql. Unknown types and malformed specs are
 * configuration errors ({@link ConfigException}, with Postfix's wording); a table whose file is missing
 * or whose server is down throws {@link TableException} so that a daemon defers instead of bouncing (a
 * tool turns it into a fatal error).
 */
public final class Tables {
    private Tables() {}

    /** The table types {@link #open} knows, as {@code postconf -m} lists them. */
    public static final List<String> TYPES = List.of("btree", "cidr", "fail", "hash", "inline", "pcre", "pgsql",
            "pipemap", "regexp", "static", "texthash", "unionmap");

    /** Opens one table with the daemon defaults. */
    public static Table open(String spec) throws TableException {
        return open(spec, TableOptions.DEFAULT);
    }

    /** Opens one table. */
    public static Table open(String spec, TableOptions opt) throws TableException {
        int colon = spec.indexOf(':');
        if (colon <= 0) throw new ConfigException("bad table syntax: \"" + spec + "\" (need type:name)");
        return open(spec.substring(0, colon).toLowerCase(Locale.ROOT), spec.substring(colon + 1), opt);
    }

    /** Opens table {@code type:name}. */
    public static Table open(String type, String name, TableOptions opt) throws TableException {
        return switch (type) {
            case "hash", "btree" -> IndexedTable.open(type, name, opt);
            case "texthash" -> TextHashTable.open(name, opt);
            case "inline" -> InlineTable.open(name, opt);
            case "static" -> StaticTable.open(name);
            case "fail" -> FailTable.open(name);
            case "regexp" -> RegexpTable.open(name, opt);
            case "pcre" -> PcreTable.open(name, opt);
            case "cidr" -> CidrTable.open(name, opt);
            case "unionmap" -> UnionTable.open(name, opt);
            case "pipemap" -> PipeTable.open(name, opt);
            case "pgsql" -> PgsqlTable.open(name, opt);
            default -> throw new ConfigException("unsupported dictionary type: " + type);
        };
    }

    /** The member tables of "unionmap:{...}" or "pipemap:{...}". */
    static List<Table> openComposite(String type, String name, TableOptions opt) throws TableException {
        int len = TableLists.balanced(name);
        List<String> items = len > 0 && len == name.length() ? Param.splitList(name.substring(1, len - 1), true) : List.of();
        if (items.isEmpty()) {
            throw new ConfigException("bad syntax: \"" + type + ":" + name + "\"; need \"" + type + ":{type:name...}\"");
        }
        List<Table> out = new ArrayList<>();
        try {
            for (String s : items) out.add(open(s, opt));
        } catch (TableException | RuntimeException e) {
            out.forEach(Table::close);
            throw e;
        }
        return out;
    }

    /** The open tables of a list parameter, in order (maps.c). */
    public static List<Table> openAll(List<String> specs) throws TableException {
        List<Table> out = new ArrayList<>();
        for (String s : specs) out.add(open(s));
        return out;
    }

    /** First table that has {@code key} wins; a temporary failure in any earlier table is thrown. */
    public static Optional<String> find(List<Table> tables, String key) throws TableException {
        for (Table t : tables) {
            Optional<String> v = t.lookup(key);
            if (v.isPresent()) return v;
        }
        return Optional.empty();
    }
}
