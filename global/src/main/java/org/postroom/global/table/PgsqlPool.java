package org.postroom.global.table;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;

/**
 * A few PostgreSQL connections for one pgsql table. Idle connections are reused; one that was idle for
 * a while is validated first and one idle longer than idle_interval is closed. A host that refuses a
 * connection is skipped for retry_interval (as dict_pgsql.c marks it dead), then tried again.
 */
final class PgsqlPool implements AutoCloseable {
    static final int MAX_IDLE = 4;
    private static final long VALIDATE_AFTER_NANOS = Duration.ofSeconds(5).toNanos();

    /** One server to connect to. */
    static final class Host {
        final String url;
        final Properties props;
        volatile long deadUntil;

        Host(String url, Properties props) {
            this.url = url;
            this.props = props;
        }
    }

    /** A borrowed connection and the host it goes to. */
    record Lease(Connection connection, Host host) {}

    private record Idle(Connection connection, Host host, long since) {}

    private final List<Host> hosts = new ArrayList<>();
    private final Deque<Idle> idle = new ArrayDeque<>();
    private final PgsqlConfig cfg;
    private boolean closed;

    PgsqlPool(PgsqlConfig cfg) {
        this.cfg = cfg;
        for (String h : cfg.hosts()) hosts.add(host(h, cfg));
    }

    private static Host host(String spec, PgsqlConfig cfg) {
        Properties p = new Properties();
        p.setProperty("user", cfg.user());
        p.setProperty("password", cfg.password());
        p.setProperty("connectTimeout", "5");
        p.setProperty("loginTimeout", "10");
        p.setProperty("socketTimeout", "60");
        p.setProperty("ApplicationName", "postroom");
        if (!cfg.encoding().isEmpty()) p.setProperty("options", "-c client_encoding=" + cfg.encoding());
        String db = cfg.dbname();
        if (spec.startsWith("postgresql://") || spec.startsWith("postgres://")) {
            URI u = URI.create(spec);
            if (u.getUserInfo() != null) {
                String[] up = u.getUserInfo().split(":", 2);
                p.setProperty("user", up[0]);
                if (up.length > 1) p.setProperty("password", up[1]);
            }
            String path = u.getPath() == null || u.getPath().length() <= 1 ? "/" + db : u.getPath();
            String port = u.getPort() > 0 ? ":" + u.getPort() : "";
            String q = u.getQuery() == null ? "" : "?" + u.getQuery();
            return new Host("jdbc:postgresql://" + u.getHost() + port + path + q, p);
        }
        String hp = spec.startsWith("inet:") ? spec.substring(5) : spec;
        if (hp.startsWith("unix:")) {
            return new Host("unix:" + hp.substring(5), p);
        }
        int colon = hp.lastIndexOf(':');
        String host = hp;
        String port = "5432";
        if (hp.startsWith("[")) {
            int rb = hp.indexOf(']');
            host = hp.substring(0, rb + 1);
            if (rb + 1 < hp.length() && hp.charAt(rb + 1) == ':') port = hp.substring(rb + 2);
        } else if (colon > 0 && hp.indexOf(':') == colon) {
            host = hp.substring(0, colon);
            port = hp.substring(colon + 1);
        }
        return new Host("jdbc:postgresql://" + host + ":" + port + "/" + db, p);
    }

    /** A connection: an idle one when there is one, else a new one to the first host that is not dead. */
    Lease borrow() throws SQLException {
        while (true) {
            Idle i;
            synchronized (this) {
                if (closed) throw new SQLException("table closed");
                i = idle.pollFirst();
            }
            if (i == null) break;
            long age = System.nanoTime() - i.since();
            if (age > cfg.idleInterval().toNanos() || (age > VALIDATE_AFTER_NANOS && !valid(i.connection()))) {
                quietClose(i.connection());
                continue;
            }
            return new Lease(i.connection(), i.host());
        }
        SQLException last = null;
        long now = System.nanoTime();
        for (Host h : hosts) {
            if (h.deadUntil != 0 && now - h.deadUntil < 0) continue;
            if (h.url.startsWith("unix:")) {
                last = new SQLException("unix-domain sockets are not supported: " + h.url);
                continue;
            }
            try {
                Connection c = DriverManager.getConnection(h.url, h.props);
                h.deadUntil = 0;
                return new Lease(c, h);
            } catch (SQLException e) {
                h.deadUntil = System.nanoTime() + cfg.retryInterval().toNanos();
                last = e;
            }
        }
        throw last != null ? last : new SQLException("no usable database server (all hosts are marked dead)");
    }

    private static boolean valid(Connection c) {
        try {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Returns a healthy connection for reuse. */
    void giveBack(Lease l) {
        synchronized (this) {
            if (!closed && idle.size() < MAX_IDLE) {
                idle.addFirst(new Idle(l.connection(), l.host(), System.nanoTime()));
                return;
            }
        }
        quietClose(l.connection());
    }

    /** Closes a connection that failed; its host is not marked dead (the next attempt reconnects). */
    void discard(Lease l) {
        quietClose(l.connection());
    }

    private static void quietClose(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // already broken
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        idle.forEach(i -> quietClose(i.connection()));
        idle.clear();
    }
}
