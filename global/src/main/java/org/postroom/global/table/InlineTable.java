package org.postroom.global.table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.Param;

/**
 * {@code inline:{key=value, { key = text with spaces }, ...}} (dict_inline.c): a table written in the
 * parameter itself. Items are separated by commas or whitespace; braces protect a value with spaces or
 * commas. Keys fold as the options say; a later duplicate replaces an earlier one. Syntax errors are
 * {@link ConfigException}s with Postfix's wording.
 */
public final class InlineTable implements ListableTable {
    private final String spec;
    private final Map<String, String> map;
    private final TableOptions opt;

    private InlineTable(String spec, Map<String, String> map, TableOptions opt) {
        this.spec = spec;
        this.map = map;
        this.opt = opt;
    }

    public static InlineTable open(String name, TableOptions opt) {
        String need = "\"inline:" + name + "\"; need \"inline:{name=value...}\"";
        int len = TableLists.balanced(name);
        if (len == 0 || len != name.length() || len == 2) throw new ConfigException("bad syntax: " + need);
        Map<String, String> m = new LinkedHashMap<>();
        int count = 0;
        for (String item : Param.splitList(name.substring(1, len - 1), true)) {
            String nv = item;
            if (nv.startsWith("{")) {
                int l = TableLists.balanced(nv);
                if (l == 0) throw new ConfigException("missing '}' in \"" + nv + "\": " + need);
                if (l != nv.length()) throw new ConfigException("syntax error after '}' in \"" + nv + "\": " + need);
                nv = nv.substring(1, l - 1).strip();
            }
            int eq = nv.indexOf('=');
            if (eq < 0) throw new ConfigException("missing '=' after attribute name: " + need);
            String k = nv.substring(0, eq).strip();
            if (k.isEmpty()) throw new ConfigException("missing attribute name: " + need);
            m.put(opt.foldKey(k), nv.substring(eq + 1).strip());
            count++;
        }
        if (count == 0) throw new ConfigException("empty table: " + need);
        return new InlineTable("inline:" + name, m, opt);
    }

    @Override
    public Optional<String> lookup(String key) {
        return Optional.ofNullable(map.get(opt.foldKey(key)));
    }

    @Override
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        map.forEach((k, v) -> out.add(new Entry(k, v)));
        return out;
    }

    @Override
    public String spec() {
        return spec;
    }
}
