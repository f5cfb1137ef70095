package org.postroom.global.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.postroom.testkit.GoldenFiles;

class MasterCfTest {
    /** Golden files: each .in is a master.cf; the .ref lists the parsed entries, warnings and errors. */
    @TestFactory
    List<DynamicTest> golden() {
        return GoldenFiles.cases(MasterCfTest.class).stream()
                .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> GoldenFiles.check(p, MasterCfTest::render)))
                .toList();
    }

    static String render(String text) {
        StringBuilder b = new StringBuilder();
        List<String> warnings = new ArrayList<>();
        try {
            for (MasterEntry e : MasterCf.parse(Path.of("master.cf"), text, 100, warnings::add)) {
                b.append(e.key()).append(" private=").append(e.privateSocket()).append(" unpriv=").append(e.unprivileged())
                        .append(" wakeup=").append(e.wakeup()).append(e.wakeupIfUsed() ? "?" : "")
                        .append(" maxproc=").append(e.maxProcesses()).append(" command=").append(e.command())
                        .append(" overrides=").append(e.overrides()).append(" args=").append(e.args())
                        .append(" line=").append(e.line()).append('\n');
            }
        } catch (ConfigException e) {
            b.append("error: ").append(e.getMessage()).append('\n');
        }
        for (String w : warnings) b.append("warning: ").append(w).append('\n');
        return b.toString();
    }

    @Test
    void chrootIsRefusedWithFileAndLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MasterCf.parse(Path.of("/etc/postroom/master.cf"), "smtp inet n - y - - smtpd\n", 100, w -> {}));
        assertTrue(e.getMessage().startsWith("/etc/postroom/master.cf:1: service smtp: chroot=y is not supported"), e.getMessage());
    }
}
