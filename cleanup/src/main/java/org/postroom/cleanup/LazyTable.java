package org.postroom.cleanup;

import java.util.Optional;
import org.postroom.global.log.Msg;
import org.postroom.global.table.Table;
import org.postroom.global.table.TableException;
import org.postroom.global.table.Tables;

/**
 * A table as a daemon holds it (dict_surrogate): opened at start-up when possible, opened again at the
 * next lookup after a failure, and reopened when its file changed. A table that cannot be opened fails
 * every lookup with {@link TableException}, so the caller defers instead of bouncing. A {@code proxy:}
 * prefix is dropped: proxymap(8) does not exist, the table is opened directly. An unknown table type is
 * a configuration error at start-up.
 */
final class LazyTable implements Table {
    private final String spec;
    private Table table;

    LazyTable(String configured) {
        this.spec = configured.regionMatches(true, 0, "proxy:", 0, 6) ? configured.substring(6) : configured;
        try {
            table = Tables.open(spec);
        } catch (TableException e) {
            Msg.error(e.getMessage());
        }
    }

    @Override
    public synchronized Optional<String> lookup(String key) throws TableException {
        if (table != null && table.changed()) {
            Msg.info("table " + spec + " has changed -- reopening");
            table.close();
            table = null;
        }
        if (table == null) table = Tables.open(spec);
        return table.lookup(key);
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public synchronized void close() {
        if (table != null) table.close();
        table = null;
    }
}
