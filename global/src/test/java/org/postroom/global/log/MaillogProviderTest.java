package org.postroom.global.log;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class MaillogProviderTest {
    @Test
    void slf4jFindsTheMaillogProvider() {
        var log = LoggerFactory.getLogger("org.xbill.DNS.SimpleResolver");
        assertInstanceOf(MaillogLogger.class, log);
        assertTrue(log.isWarnEnabled());
        log.warn("reply from {} truncated", "127.0.0.1"); // must not throw, and goes to the log, not stderr
    }

    @Test
    void julGoesToTheMaillogInPostfixFormat(@TempDir Path dir) throws Exception {
        Path maillog = dir.resolve("maillog");
        Msg.init("postfix", "proxymap", "mail.example.com", maillog.toString(), false);
        try {
            java.util.logging.Logger jul = java.util.logging.Logger.getLogger("org.postgresql.core.v3.ConnectionFactoryImpl");
            jul.warning("Connection refused\r\ninjected: yes");
            jul.info("below the threshold without -v");
            jul.log(java.util.logging.Level.SEVERE, "driver failure", new java.io.IOException("boom"));
            String log = Files.readString(maillog);
            assertTrue(log.matches("(?s).* mail postfix/proxymap\\[\\d+\\]: warning: ConnectionFactoryImpl: Connection refused\\?\\?injected: yes\n.*"), log);
            assertTrue(log.contains("postfix/proxymap[") && log.contains("]: error: ConnectionFactoryImpl: driver failure: java.io.IOException: boom"), log);
            assertFalse(log.contains("below the threshold"), log);
            assertTrue(log.lines().count() == 2, log);
        } finally {
            Msg.init("postfix", "postroom", "localhost", "", false);
        }
    }
}
