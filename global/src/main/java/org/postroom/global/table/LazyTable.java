package org.postroom.global.table;

import java.util.Optional;
import org.postroom.global.config.ConfigException;
import org.postroom.global.log.Msg;

/**
 * A table as a daemon holds it (Postfix dict_surrogate.c, and the reopening that dict_changed_name()
 * triggers): opened at start-up when possible, opened again at the next lookup after a failure, and
 * reopened when its file changed. A table that cannot be opened fails every lookup with
 * {@link TableException}, so the caller defers instead of bouncing. A {@code proxy:} prefix is dropped:
 * proxymap(8) does not exist, the table is opened directly. An unknown table type is a configuration
 * error at start-up, unless the source-file fallback applies.
 */
public final class LazyTable implements Table {
    private final String spec;
    private final boolean sourceFallback;
    private Table table;
    private boolean warned;

    /**
     * @param configured the table as configured, {@code proxy:} prefix allowed
     * @param sourceFallback whether an indexed table (hash:, btree:, cdb:, ...) that cannot be opened but
     *        has a source file is read from that file instead ({@link SourceTable}), with a warning once
     */
    public LazyTable(String configured, boolean sourceFallback) {
        this.spec = withoutProxy(configured);
        this.sourceFallback = sourceFallback;
        try {
            table = open();
        } catch (TableException e) {
            Msg.error(e.getMessage());
        }
    }

    /** {@code spec} without a leading {@code proxy:} (in any case). */
    public static String withoutProxy(String spec) {
        return spec.regionMatches(true, 0, "proxy:", 0, 6) ? spec.substring(6) : spec;
    }

    private Table open() throws TableException {
        try {
            return Tables.open(spec);
        } catch (ConfigException | TableException e) {
            Optional<SourceTable> src = sourceFallback ? SourceTable.forSpec(spec) : Optional.empty();
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

    @Override
    public synchronized void close() {
        if (table != null) table.close();
        table = null;
    }
}
