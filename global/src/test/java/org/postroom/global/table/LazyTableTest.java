package org.postroom.global.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.config.ConfigException;

/** The daemons' table holder: proxy: dropped, opened again after a failure, the optional source-file stand-in. */
class LazyTableTest {
    @TempDir
    Path tmp;

    @Test
    void indexedTableWithoutDatabaseReadsItsSourceOnlyWithTheFallback() throws Exception {
        Path src = Files.writeString(tmp.resolve("map"), "Key value\nalias: target\n");
        try (LazyTable t = new LazyTable("PROXY:hash:" + src, true)) {
            assertEquals("hash:" + src, t.spec());
            assertEquals(Optional.of("value"), t.lookup("KEY"));
            assertEquals(Optional.of("target"), t.lookup("alias"));
        }
        try (LazyTable t = new LazyTable("proxy:hash:" + src, false)) {
            assertEquals("hash:" + src, t.spec());
            assertThrows(TableException.class, () -> t.lookup("key"));
        }
    }

    @Test
    void unsupportedTypeIsAConfigurationErrorUnlessTheSourceStandsIn() throws IOException, TableException {
        Path src = Files.writeString(tmp.resolve("map"), "k v\n");
        assertThrows(ConfigException.class, () -> new LazyTable("cdb:" + src, false));
        try (LazyTable t = new LazyTable("cdb:" + src, true)) {
            assertEquals(Optional.of("v"), t.lookup("k"));
        }
    }

    @Test
    void aTableThatCouldNotBeOpenedIsOpenedAgainAtTheNextLookup() throws IOException, TableException {
        Path cidr = tmp.resolve("net.cidr");
        try (LazyTable t = new LazyTable("cidr:" + cidr, false)) {
            assertThrows(TableException.class, () -> t.lookup("192.0.2.1"));
            Files.writeString(cidr, "192.0.2.0/24 OK\n");
            assertEquals(Optional.of("OK"), t.lookup("192.0.2.1"));
        }
    }

    @Test
    void withoutProxyDropsOnlyALeadingPrefix() {
        assertEquals("hash:/etc/x", LazyTable.withoutProxy("Proxy:hash:/etc/x"));
        assertEquals("hash:/etc/proxy:x", LazyTable.withoutProxy("hash:/etc/proxy:x"));
    }
}
