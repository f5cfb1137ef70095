package org.postroom.global.table;

import java.util.List;
import java.util.Optional;

/**
 * {@code pipemap:{type:name, ...}} (dict_pipe.c): the value from one table is the key for the next; the
 * last table's value is the result. Not found as soon as one table has no entry.
 */
public final class PipeTable implements Table {
    private final String spec;
    private final List<Table> tables;

    private PipeTable(String spec, List<Table> tables) {
        this.spec = spec;
        this.tables = tables;
    }

    public static PipeTable open(String name, TableOptions opt) throws TableException {
        return new PipeTable("pipemap:" + name, Tables.openComposite("pipemap", name, opt));
    }

    @Override
    public Optional<String> lookup(String key) throws TableException {
        String k = key;
        for (Table t : tables) {
            Optional<String> v;
            try {
                v = t.lookup(k);
            } catch (TableException e) {
                throw TableException.query(spec, e.reason(), e);
            }
            if (v.isEmpty()) return v;
            k = v.get();
        }
        return Optional.of(k);
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public boolean changed() {
        return tables.stream().anyMatch(Table::changed);
    }

    @Override
    public void close() {
        tables.forEach(Table::close);
    }
}
