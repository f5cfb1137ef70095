package org.postroom.global.table;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.Utils;

/**
 * {@code pgsql:/path/to/file.cf} (pgsql_table(5), dict_pgsql.c) through the PostgreSQL JDBC driver. The
 * key (folded to lower case unless -f) is checked against {@code domain}, expanded into {@code query}
 * with each part escaped as a string literal, and every non-empty column of every row goes through
 * {@code result_format}; the results are joined with commas. No row is "not found". A database that
 * cannot be reached, or a query that fails, is a {@link TableException}: a temporary failure, never
 * "not found". Connections come from a small pool ({@link PgsqlPool}); a broken one is replaced and the
 * query tried once more.
 */
public final class PgsqlTable implements Table {
    private final String spec;
    private final String name;
    private final PgsqlConfig cfg;
    private final PgsqlPool pool;
    private final TableOptions opt;

    private PgsqlTable(String name, PgsqlConfig cfg, TableOptions opt) {
        this.spec = "pgsql:" + name;
        this.name = name;
        this.cfg = cfg;
        this.pool = new PgsqlPool(cfg);
        this.opt = opt;
    }

    public static PgsqlTable open(String name, TableOptions opt) throws TableException {
        return new PgsqlTable(name, PgsqlConfig.load(name), opt);
    }

    @Override
    public Optional<String> lookup(String key) throws TableException {
        String k = opt.fold() ? KeyFold.fold(key, opt.utf8()) : key;
        if (!cfg.domain().isEmpty()) {
            int at = k.lastIndexOf('@');
            if (at <= 0 || !cfg.domain().contains(k.substring(at + 1).toLowerCase(java.util.Locale.ROOT))) {
                return Optional.empty();
            }
        }
        SQLException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            PgsqlPool.Lease lease;
            try {
                lease = pool.borrow();
            } catch (SQLException e) {
                throw TableException.query(spec, e.getMessage(), e);
            }
            try {
                Optional<String> v = run(lease, k);
                pool.giveBack(lease);
                return v;
            } catch (TableException e) {
                pool.giveBack(lease);
                throw e;
            } catch (SQLException e) {
                pool.discard(lease);
                last = e;
            }
        }
        throw TableException.query(spec, last.getMessage(), last);
    }

    private Optional<String> run(PgsqlPool.Lease lease, String key) throws SQLException, TableException {
        boolean scs = lease.connection().unwrap(BaseConnection.class).getStandardConformingStrings();
        UnaryOperator<String> quote = s -> {
            try {
                return Utils.escapeLiteral(null, s, scs).toString();
            } catch (SQLException e) {
                throw new IllegalArgumentException(e);
            }
        };
        String sql;
        try {
            sql = cfg.query().expand(key, null, quote);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (sql == null) return Optional.empty();
        StringBuilder out = new StringBuilder();
        int count = 0;
        try (Statement st = lease.connection().createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int cols = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int c = 1; c <= cols; c++) {
                    String v = rs.getString(c);
                    if (v == null || v.isEmpty()) {
                        opt.warn().accept("table \"" + spec + "\": empty lookup result for: \"" + key + "\" -- ignored");
                        continue;
                    }
                    String r = cfg.resultFormat().expand(v, key, UnaryOperator.identity());
                    if (r == null) continue;
                    if (cfg.expansionLimit() > 0 && ++count > cfg.expansionLimit()) {
                        opt.warn().accept("dict_pgsql_lookup: " + name + ": Expansion limit exceeded for key: '" + key + "'");
                        throw TableException.query(spec, "Expansion limit exceeded for key: '" + key + "'", null);
                    }
                    if (!out.isEmpty()) out.append(',');
                    out.append(r);
                }
            }
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(out.toString());
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public void close() {
        pool.close();
    }
}
