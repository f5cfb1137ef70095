package org.postroom.global.table;

import java.util.List;

/**
 * A table made of other tables (unionmap, pipemap): it has changed when any member has, closes them all,
 * and reports a member's failure under its own name.
 */
abstract sealed class CompositeTable implements Table permits PipeTable, UnionTable {
    private final String spec;
    protected final List<Table> tables;

    CompositeTable(String spec, List<Table> tables) {
        this.spec = spec;
        this.tables = tables;
    }

    /** One member lookup; a temporary failure is rethrown as this table's. */
    protected final java.util.Optional<String> ask(Table t, String key) throws TableException {
        try {
            return t.lookup(key);
        } catch (TableException e) {
            throw TableException.query(spec, e.reason(), e);
        }
    }

    @Override
    public final String spec() {
        return spec;
    }

    @Override
    public final boolean changed() {
        return tables.stream().anyMatch(Table::changed);
    }

    @Override
    public final void close() {
        tables.forEach(Table::close);
    }
}
