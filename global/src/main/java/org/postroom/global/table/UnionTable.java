package org.postroom.global.table;

import java.util.List;
import java.util.Optional;

/**
 * {@code unionmap:{type:name, ...}} (dict_union.c): asks every table and joins the values found with
 * commas, in table order; not found when none has the key. A failure of any table fails the lookup.
 */
public final class UnionTable extends CompositeTable {
    private UnionTable(String spec, List<Table> tables) {
        super(spec, tables);
    }

    public static UnionTable open(String name, TableOptions opt) throws TableException {
        return new UnionTable("unionmap:" + name, Tables.openComposite("unionmap", name, opt));
    }

    @Override
    public Optional<String> lookup(String key) throws TableException {
        StringBuilder b = new StringBuilder();
        boolean any = false;
        for (Table t : tables) {
            Optional<String> v = ask(t, key);
            if (v.isPresent()) {
                if (any) b.append(',');
                b.append(v.get());
                any = true;
            }
        }
        return any ? Optional.of(b.toString()) : Optional.empty();
    }
}
