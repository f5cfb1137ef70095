package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postroom.testkit.PostfixServer;

/**
 * Configuration mistakes that must not fail silently (issue 16, item 7), each against Debian Postfix
 * in the same run: an alias table that is missing, whose indexed file was never built, or that cannot
 * be read, must not let RCPT through with 250 for an address it would have to decide.
 */
class ConfigMistakesIT {
    private static final String USER = MailSystem.localUser();

    @ParameterizedTest
    @ValueSource(strings = {"missing", "not-built", "unreadable"})
    void aliasTableProblemsAnswerAsPostfix(String kind) throws Exception {
        assumeTrue(MailSystem.isRoot() && PostfixServer.available(), "needs root and Debian's postfix");
        Path dir = Files.createTempDirectory("aliases");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path aliases = dir.resolve("aliases");
        if (!kind.equals("missing")) Files.writeString(aliases, "info: " + USER + "\n");
        if (kind.equals("unreadable")) {
            MailSystem.Result r = MailSystem.run(List.of("/usr/sbin/postalias", "hash:" + aliases), null, Map.of(), Duration.ofSeconds(30));
            assertEquals(0, r.status(), r.stderr());
            Files.setPosixFilePermissions(dir.resolve("aliases.db"), PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(aliases, PosixFilePermissions.fromString("rw-------"));
        }
        String cf = "alias_maps = hash:" + aliases + "\nlocal_recipient_maps = proxy:unix:passwd.byname $alias_maps\n";
        try (MailSystem pr = MailSystem.create(cf); PostfixServer pf = PostfixServer.start(MailSystem.freePort(), cf)) {
            if (kind.equals("unreadable")) {
                // Postroom's own .db format: build it with Postroom's postalias, then take the rights away again
                Files.setPosixFilePermissions(aliases, PosixFilePermissions.fromString("rw-r--r--"));
                MailSystem.Result r = pr.tool("postalias", null, "hash:" + aliases);
                assertEquals(0, r.status(), r.stderr());
                Files.setPosixFilePermissions(aliases, PosixFilePermissions.fromString("rw-------"));
                for (Path db : List.of(dir.resolve("aliases.db"), dir.resolve("aliases.pdb"))) {
                    if (Files.exists(db)) Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-------"));
                }
            }
            pr.start();
            String dialog = "HELO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<nosuch@localhost>\r\nRCPT TO:<info@localhost>\r\n"
                    + "RCPT TO:<" + USER + "@localhost>\r\nQUIT\r\n";
            String expected = RawSmtp.dialog(pf.port(), dialog);
            assertEquals(expected, RawSmtp.dialog(pr.port(), dialog), kind + "\nPostroom log:\n" + pr.log());
        }
    }

    @org.junit.jupiter.api.Test
    void mistypedQueueDirectoryIsFatalAsInPostfix() throws Exception {
        assumeTrue(PostfixServer.available(), "needs Debian's postfix");
        try (MailSystem pr = MailSystem.create("")) {
            Path typo = pr.root().resolve("queeu");
            Path mainCf = pr.etc().resolve("main.cf");
            Files.writeString(mainCf, Files.readString(mainCf) + "queue_directory = " + typo + "\n");
            MailSystem.Result r = pr.tool("postfix", null, "start");
            // Debian Postfix with the same mistake (it speaks only to a terminal: script(1) gives it one)
            Path pfEtc = Files.createTempDirectory("postfix-typo");
            Files.copy(Path.of("/etc/postfix/master.cf.proto"), pfEtc.resolve("master.cf"));
            Files.writeString(pfEtc.resolve("main.cf"), "compatibility_level = 3.6\nmeta_directory = /etc/postfix\n"
                    + "multi_instance_name = postfix-typo\nqueue_directory = " + typo + "\ndata_directory = " + pfEtc + "\n");
            MailSystem.Result pf = MailSystem.run(List.of("script", "-qc", "postfix -c " + pfEtc + " start", "/dev/null"), null,
                    Map.of(), Duration.ofSeconds(30));
            assertEquals("postfix: fatal: chdir(" + typo + "): No such file or directory", pf.stdout().strip());
            assertEquals(pf.stdout().strip(), r.stderr().strip());
            assertEquals(1, r.status());
            org.junit.jupiter.api.Assertions.assertFalse(Files.exists(typo), "no queue created on the spot");
        }
    }
}
