package org.postroom.global.log;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class MaillogProviderTest {
    @Test
    void slf4jFindsTheMaillogProvider() {
        var log = LoggerFactory.getLogger("org.xbill.DNS.SimpleResolver");
        assertInstanceOf(MaillogLogger.class, log);
        assertTrue(log.isWarnEnabled());
        log.warn("reply from {} truncated", "127.0.0.1"); // must not throw, and goes to the log, not stderr
    }
}
