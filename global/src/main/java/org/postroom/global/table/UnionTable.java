package org.postroom.global.table;

import java.util.List;
import java.util.Optional;

/**
 * {@code unionmap:{type:name, ...}} (dict_union.c): asks every table and joins the values found with
 * commas, in table order; not found when none has the key. A failure of any table fails the lookup.
 */
public final class UnionTable implements Table {
    private final String spec;
    private final List<Table> tables;

    private UnionTable(String spec, List<Table> tables) {
        this.spec = spec;
        this.tables = tables;
    }

    public static UnionTable open(String name, TableOptions opt) throws TableException {
        return new UnionTable("unionmap:" + name, Tables.openComposite("unionmap", name, opt));
    }

    @Override
    public Optional<String> lookup(String key) throws TableException {
        StringBuilder b = new StringBuilder();
        boolean any = false;
        for (Table t : tables) {
            Optional<String> v;
            try {
                v = t.lookup(key);
            } catch (TableException e) {
                throw TableException.query(spec, e.reason(), e);
            }
            if (v.isPresent()) {
                if (any) b.append(',');
                b.append(v.get());
                any = true;
            }
        }
        return any ? Optional.of(b.toString()) : Optional.empty();
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
