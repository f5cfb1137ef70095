package org.postroom.global.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postroom.testkit.PostgresServer;
import org.postroom.testkit.WaitFor;

/** pgsql: tables against a private PostgreSQL (skipped when PostgreSQL is not installed). */
class PgsqlTableTest {
    private static PostgresServer pg;
    @TempDir static Path dir;

    @BeforeAll
    static void server() throws IOException {
        assumeTrue(PostgresServer.available(), PostgresServer.unavailableReason());
        pg = PostgresServer.start("mail", "postroom", "s3cret'pw");
        pg.sql("CREATE TABLE aliases (address text PRIMARY KEY, goto text);"
                + "CREATE TABLE users (local text, domain text, maildir text);"
                + "INSERT INTO aliases VALUES ('joe@example.com', 'joe.doe@example.org'), ('o''brien@example.com', 'ob@example.org'),"
                + " ('list@example.com', 'a@example.org'), ('multi@example.com', 'x@example.org'), ('empty@example.com', '');"
                + "INSERT INTO users VALUES ('joe', 'example.com', 'example.com/joe/'), ('ann', 'example.com', 'example.com/ann/'),"
                + " ('ann', 'sub.example.com', 'sub/ann/');"
                + "GRANT SELECT ON ALL TABLES IN SCHEMA public TO postroom;");
    }

    @AfterAll
    static void stop() {
        if (pg != null) pg.close();
    }

    private static Table open(String name, String... extra) throws IOException {
        Path cf = dir.resolve(name + ".cf");
        List<String> lines = new ArrayList<>(List.of("hosts = " + pg.host() + ":" + pg.port(), "user = " + pg.user(),
                "password = " + pg.password(), "dbname = " + pg.database(), "retry_interval = 1"));
        lines.addAll(List.of(extra));
        Files.write(cf, lines);
        return Tables.open("pgsql:" + cf, TableOptions.DEFAULT.withWarn(w -> { }));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NONE", value = {
        "joe@example.com, joe.doe@example.org",
        "JOE@Example.COM, joe.doe@example.org",
        "o'brien@example.com, ob@example.org",
        "nobody@example.com, NONE",
        "empty@example.com, NONE",
        "'x'' OR ''1''=''1', NONE"})
    void lookupByAddress(String key, String value) throws IOException {
        try (Table t = open("aliases", "query = SELECT goto FROM aliases WHERE address='%s'")) {
            assertEquals(Optional.ofNullable(value), t.lookup(key));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NONE", value = {
        "joe@example.com, example.com/joe/",
        "ann@example.com, example.com/ann/",
        "ann, NONE",
        "@example.com, NONE",
        "ann@sub.example.com, sub/ann/"})
    void userAndDomainParts(String key, String value) throws IOException {
        try (Table t = open("users", "query = SELECT maildir FROM users WHERE local='%u' AND domain='%d'")) {
            assertEquals(Optional.ofNullable(value), t.lookup(key));
        }
    }

    @Test
    void resultFormatRowsDomainAndLabels() throws IOException {
        try (Table t = open("fmt", "query = SELECT local FROM users WHERE domain='%d' ORDER BY local", "result_format = %s@%D")) {
            assertEquals(Optional.of("ann@example.com,joe@example.com"), t.lookup("x@example.com"));
        }
        try (Table t = open("labels", "query = SELECT maildir FROM users WHERE domain='%2.%1' AND local='%u'")) {
            assertEquals(Optional.of("example.com/ann/"), t.lookup("ann@example.com"));
            assertEquals(Optional.empty(), t.lookup("ann@com"));
        }
        try (Table t = open("domains", "query = SELECT goto FROM aliases WHERE address='%s'", "domain = example.net")) {
            assertEquals(Optional.empty(), t.lookup("joe@example.com"));
        }
        try (Table t = open("limit", "query = SELECT local FROM users WHERE domain LIKE '%%example.com'", "expansion_limit = 2")) {
            assertThrows(TableException.class, () -> t.lookup("any"));
        }
    }

    @Test
    void databaseDownIsATemporaryFailure() throws IOException {
        try (Table t = open("down", "query = SELECT goto FROM aliases WHERE address='%s'")) {
            assertEquals(Optional.of("joe.doe@example.org"), t.lookup("joe@example.com"));
            pg.stop();
            try {
                TableException e = assertThrows(TableException.class, () -> t.lookup("joe@example.com"));
                assertTrue(e.getMessage().startsWith("table pgsql:"), e.getMessage());
                assertThrows(TableException.class, () -> t.lookup("nobody@example.com"));
            } finally {
                pg.start();
            }
            WaitFor.condition("pgsql lookups after restart", Duration.ofSeconds(30), () -> {
                try {
                    return t.lookup("joe@example.com").equals(Optional.of("joe.doe@example.org"));
                } catch (TableException e) {
                    return false;
                }
            });
        }
    }
}
