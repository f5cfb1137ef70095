package org.postroom.tools.postpasswd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.sasl.PasswordScheme;
import org.postroom.global.table.Tables;

/** postpasswd: set, replace and delete users in texthash and hash tables; -p; the errors. */
class PostpasswdTest {
    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {}

    private Run run(String stdin, String... args) throws Exception {
        Files.writeString(dir.resolve("main.cf"), "smtpd_sasl_user_maps = hash:" + dir.resolve("users") + "\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Postpasswd.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out,
                new PrintStream(err, true, StandardCharsets.UTF_8), null);
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void setReplaceAndDeleteInATexthashTable() throws Exception {
        Path users = dir.resolve("users.txt");
        Files.writeString(users, "# users\nbob {SHA512-CRYPT}$6$x$y\n");
        Run r = run("secret\n", "-t", "texthash:" + users, "alice@example.com");
        assertEquals(0, r.status(), r.err());
        List<String> lines = Files.readAllLines(users);
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(2).startsWith("alice@example.com {SHA512-CRYPT}$6$"), lines.toString());
        assertTrue(PasswordScheme.verify(lines.get(2).split(" ", 2)[1], "secret"));
        assertFalse(r.out().contains("secret") || r.err().contains("secret"));
        // again, with another scheme: the line is replaced in place
        assertEquals(0, run("n3w pass\n", "-t", "texthash:" + users, "-s", "SCRAM-SHA-256", "alice@example.com").status());
        lines = Files.readAllLines(users);
        assertEquals(3, lines.size());
        assertTrue(lines.get(2).startsWith("alice@example.com {SCRAM-SHA-256}4096,"), lines.toString());
        assertTrue(PasswordScheme.verify(lines.get(2).split(" ", 2)[1], "n3w pass"));
        assertEquals(0, run("", "-t", "texthash:" + users, "-d", "bob").status());
        assertEquals(List.of("# users", lines.get(2)), Files.readAllLines(users));
        Run missing = run("", "-t", "texthash:" + users, "-d", "nobody");
        assertEquals(1, missing.status());
        assertEquals("postpasswd: fatal: user nobody is not in " + users + "\n", missing.err());
    }

    @Test
    void theFirstUserMapIsRebuiltLikePostmap() throws Exception {
        Run r = run("secret\n", "-c", dir.toString(), "alice");
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.exists(dir.resolve("users.db")));
        String v = Tables.open("hash:" + dir.resolve("users")).lookup("alice").orElseThrow();
        assertTrue(PasswordScheme.verify(v, "secret"), v);
    }

    @Test
    void printOnlyAndErrors() throws Exception {
        Run p = run("secret\n", "-p", "-s", "BLF-CRYPT");
        assertEquals(0, p.status(), p.err());
        assertTrue(p.out().startsWith("{BLF-CRYPT}$2y$10$"), p.out());
        assertTrue(PasswordScheme.verify(p.out().strip(), "secret"));
        Run bad = run("secret\n", "-p", "-s", "MD5");
        assertEquals(1, bad.status());
        assertEquals("postpasswd: fatal: unknown password scheme: MD5 (SHA512-CRYPT, BLF-CRYPT, ARGON2ID or SCRAM-SHA-256)\n", bad.err());
        Run empty = run("\n", "-p");
        assertEquals("postpasswd: fatal: empty password\n", empty.err());
        Run pg = run("x\n", "-t", "pgsql:/etc/x.cf", "alice");
        assertTrue(pg.err().startsWith("postpasswd: fatal: table pgsql:/etc/x.cf: type pgsql has no source file to edit"), pg.err());
        assertEquals(1, run("", "a", "b").status());
    }
}
