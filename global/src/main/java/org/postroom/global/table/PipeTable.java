package org.postroom.global.table;

import java.util.List;
import java.util.Optional;

/**
 * {@code pipemap:{type:name, ...}} (dict_pipe.c): the value from one table is the key for the next; the
 * last table's value is the result. Not found as soon as one table has no entry.
 */
public final class PipeTable extends CompositeTable {
    private PipeTable(String spec, List<Table> tables) {
        super(spec, tables);
    }

    public static PipeTable open(String name, TableOptions opt) throws TableException {
        return new PipeTable("pipemap:" + name, Tables.openComposite("pipemap", name, opt));
    }

    @Override
    public Optional<String> lookup(String key) throws TableException {
        String k = key;
        for (Table t : tables) {
            Optional<String> v = ask(t, k);
            if (v.isEmpty()) return v;
            k = v.get();
        }
        return Optional.of(k);
    }
}
