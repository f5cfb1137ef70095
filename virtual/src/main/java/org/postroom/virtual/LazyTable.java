package org.postroom.virtual;

import java.util.Optional;
import org.postroom.global.config.ConfigException;
import org.postroom.global.log.Msg;
import org.postroom.global.table.Table;
import org.postroom.global.table.TableException;
import org.postroom.global.table.Tables;

/**
 * A table as a daemon holds it (dict_surrogate): opened at start-up when possible, opened again at the
 * next lookup after a failure, and reopened when its file changed; a table that cannot be opened fails
 * every lookup with {@link TableException} (the client gets a 4xx). An indexed table that cannot be
 * opened but has a source file is read from the source ({@link SourceTable}), with a warning.
 */
final class LazyTable implements Table {
    private final String spec;
    private Table table;
    private boolean warned;

    LazyTable(String spec) {
        this.spec = spec;
        try {
            table = open();
        } catch (TableException e) {
            Msg.error(e.getMessage());
        }
    }

    private Table open() throws TableException {
        try {
            return Tables.open(spec);
        } catch (ConfigException | TableException e) {
            Optional<SourceTable> src = SourceTable.forSpec(spec);
            if (src.isEmpty()) throw e;
            if (!warned) Msg.warn(spec + ": " + e.getMessage() + " -- using the source file instead (run postmap or postalias)");
            warned = true;
            return src.get();
        }
    }

    @Override
    public synchronized Optional<String> lookup(String key) throws TableException {
        if (table != null && table.changed()) {
            Msg.info("table " + spec + " has changed -- reopening");
            table.close();
            table = null;
        }
        if (table == null) table = open();
        return table.lookup(key);
    }

    @Override
    public String spec() {
        return spec;
    }
}
