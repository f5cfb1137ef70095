package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.WaitFor;

/**
 * Issue 4, point 2: postconf -e, -X, -M and -P edits, read back by postconf -n, -M and -P, and by a
 * postfix reload that takes effect (the SMTP banner). A read-only main.cf is refused and left intact.
 */
class PostconfIT {
    @Test
    void editsTakeEffectAfterReload() throws Exception {
        try (MailSystem m = MailSystem.create("")) {
            m.start();
            String svc = "127.0.0.1:" + m.port() + "/inet";

            MailSystem.Result r = m.tool("postconf", null, "-e", "smtpd_banner = $myhostname ESMTP edited by postconf");
            assertEquals(0, r.status(), r.stderr());
            assertTrue(m.tool("postconf", null, "-n").stdout().contains("smtpd_banner = $myhostname ESMTP edited by postconf\n"));
            assertEquals("mail.example.com ESMTP edited by postconf\n", m.tool("postconf", null, "-hx", "smtpd_banner").stdout());
            reload(m, "220 mail.example.com ESMTP edited by postconf");

            r = m.tool("postconf", null, "-X", "smtpd_banner");
            assertEquals(0, r.status(), r.stderr());
            assertTrue(!m.tool("postconf", null, "-n").stdout().contains("smtpd_banner"));
            reload(m, "220 mail.example.com ESMTP Postfix");

            // -P: a per-service -o parameter, -M: the whole entry, both read back and reloaded
            r = m.tool("postconf", null, "-P", "-e", svc + "/smtpd_banner=per-service");
            assertEquals(0, r.status(), r.stderr());
            assertEquals(svc + "/smtpd_banner = per-service\n", m.tool("postconf", null, "-P", svc + "/smtpd_banner").stdout());
            String entry = m.tool("postconf", null, "-M", svc).stdout();
            assertTrue(entry.startsWith("127.0.0.1:" + m.port() + " inet n "), entry);
            assertEquals(25, entry.indexOf("-       n       -       -       smtpd -o smtpd_banner=per-service\n"), entry);
            reload(m, "220 per-service");
            r = m.tool("postconf", null, "-PX", svc + "/smtpd_banner");
            assertEquals(0, r.status(), r.stderr());
            r = m.tool("postconf", null, "-Me", svc + " = 127.0.0.1:" + m.port() + " inet n - n - - smtpd -o smtpd_banner=whole-entry");
            assertEquals(0, r.status(), r.stderr());
            assertTrue(m.tool("postconf", null, "-Mf", svc).stdout().endsWith("smtpd\n    -o smtpd_banner=whole-entry\n"));
            reload(m, "220 whole-entry");

            // a read-only or missing main.cf: a clear error, nothing changed
            Path main = m.etc().resolve("main.cf");
            String before = Files.readString(main);
            Files.setPosixFilePermissions(main, PosixFilePermissions.fromString("r--r--r--"));
            r = m.tool("postconf", null, "-e", "myhostname=other.example.com");
            assertEquals(1, r.status());
            assertTrue(r.stderr().startsWith("postconf: fatal: "), r.stderr());
            assertEquals(before, Files.readString(main));
            assertTrue(Files.notExists(m.etc().resolve("main.cf.tmp")));
            Files.setPosixFilePermissions(main, PosixFilePermissions.fromString("rw-r--r--"));
            r = MailSystem.run(java.util.List.of(MailSystem.DIST.resolve("bin/postconf").toString(), "-c", m.root().resolve("nonexistent").toString(),
                    "-e", "a=b"), null, java.util.Map.of(), Duration.ofSeconds(60));
            assertEquals(1, r.status());
            assertEquals("postconf: fatal: open " + m.root().resolve("nonexistent/main.cf") + " for reading: No such file or directory\n", r.stderr());
            // -d needs no main.cf (Postfix's does not read it); -n does
            String missing = m.root().resolve("nonexistent").toString();
            r = MailSystem.run(java.util.List.of(MailSystem.DIST.resolve("bin/postconf").toString(), "-c", missing, "-d", "mail_owner"),
                    null, java.util.Map.of(), Duration.ofSeconds(60));
            assertEquals(0, r.status(), r.stderr());
            assertEquals("mail_owner = postfix\n", r.stdout());
            assertEquals("postconf: warning: open " + missing + "/master.cf: No such file or directory\n", r.stderr());
            r = MailSystem.run(java.util.List.of(MailSystem.DIST.resolve("bin/postconf").toString(), "-c", missing, "-n"),
                    null, java.util.Map.of(), Duration.ofSeconds(60));
            assertEquals(1, r.status());
            assertEquals("postconf: fatal: open " + missing + "/main.cf: No such file or directory\n", r.stderr());

            // unknown names and options, as Postfix reports them
            r = m.tool("postconf", null, "no_such_parameter");
            assertEquals(0, r.status());
            assertEquals("postconf: warning: no_such_parameter: unknown parameter\n", r.stderr());
            r = m.tool("postconf", null, "-Z");
            assertEquals(1, r.status());
            assertTrue(r.stderr().startsWith("postconf: invalid option -- 'Z'\npostconf: fatal: usage: postconf [-a"), r.stderr());

            r = m.tool("postfix", null, "check");
            assertEquals(0, r.status(), r.stderr());
        }
    }

    private static void reload(MailSystem m, String banner) {
        MailSystem.Result r = m.tool("postfix", null, "reload");
        assertEquals(0, r.status(), r.stderr());
        WaitFor.condition("banner " + banner, Duration.ofSeconds(30), () -> ReloadIT.banner(m).equals(banner));
    }
}
