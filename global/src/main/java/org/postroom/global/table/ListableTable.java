package org.postroom.global.table;

import java.util.List;

/** A table that can list its entries (Postfix dict_seq, used by {@code postmap -s}). */
public interface ListableTable extends Table {
    /** One entry as stored (key already folded when the table folds keys). */
    record Entry(String key, String value) {}

    /** Every entry, in the table's own order. */
    List<Entry> entries() throws TableException;
}
