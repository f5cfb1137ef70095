package org.postroom.global.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.Param;

/**
 * A pgsql_table(5) configuration file: {@code name = value} lines in main.cf syntax.
 *
 * @param hosts          "host", "host:port", "inet:host:port" or "postgresql://..." URIs (default localhost)
 * @param query          the query template (or one built from table, select_field, where_field and
 *                       additional_conditions)
 * @param domain         when not empty, only user@domain keys whose domain is listed are looked up
 * @param expansionLimit more results than this are an error (0: no limit)
 */
record PgsqlConfig(List<String> hosts, String user, String password, String dbname, DbTemplate query,
                   DbTemplate resultFormat, List<String> domain, int expansionLimit, Duration idleInterval,
                   Duration retryInterval, String encoding) {

    static PgsqlConfig load(String name) throws TableException {
        if (!name.startsWith("/") && !name.startsWith(".")) {
            throw new ConfigException("pgsql:" + name + ": parameters in main.cf (legacy form) are not supported;"
                    + " give the path of a pgsql_table(5) file");
        }
        byte[] data;
        try {
            data = Files.readAllBytes(Path.of(name));
        } catch (NoSuchFileException e) {
            throw new TableException("open " + name + ": No such file or directory", e);
        } catch (IOException e) {
            throw new TableException("open " + name + ": " + e.getMessage(), e);
        }
        Map<String, String> p = new HashMap<>();
        for (SourceLines.Line l : SourceLines.split(data, name, w -> { })) {
            String t = l.text();
            int eq = t.indexOf('=');
            if (eq < 0) throw new ConfigException(name + ", line " + l.number() + ": missing '=' after attribute name");
            p.put(t.substring(0, eq).strip(), t.substring(eq + 1).strip());
        }
        String query = p.get("query");
        if (query == null) {
            String table = required(p, "table", name);
            query = "SELECT " + required(p, "select_field", name) + " FROM " + table + " WHERE "
                    + required(p, "where_field", name) + "='%s' " + p.getOrDefault("additional_conditions", "");
        }
        String spec = "pgsql:" + name;
        return new PgsqlConfig(Param.splitList(p.getOrDefault("hosts", "localhost")), p.getOrDefault("user", ""),
                p.getOrDefault("password", ""), p.getOrDefault("dbname", ""), DbTemplate.parse(query, true, spec),
                DbTemplate.parse(p.getOrDefault("result_format", "%s"), false, spec),
                Param.splitList(p.getOrDefault("domain", "")), number(p, "expansion_limit", 0, name),
                Duration.ofSeconds(number(p, "idle_interval", 60, name)),
                Duration.ofSeconds(Math.max(1, number(p, "retry_interval", 60, name))), p.getOrDefault("encoding", "UTF8"));
    }

    private static String required(Map<String, String> p, String key, String name) {
        String v = p.get(key);
        if (v == null) throw new ConfigException("db_common_sql_build_query: '" + key + "' parameter not defined (" + name + ")");
        return v;
    }

    private static int number(Map<String, String> p, String key, int def, String name) {
        String v = p.get(key);
        if (v == null) return def;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(name + ": bad numerical configuration: " + key + " = " + v);
        }
    }
}
