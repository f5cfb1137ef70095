package org.postroom.global.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The schemes against hashes made by the tools admins use: doveadm pw (Dovecot 2.3) and openssl
 * passwd -6, and ours checked by doveadm pw -t when it is installed.
 */
class PasswordSchemeTest {
    // doveadm pw -s SCHEME -p secret
    private static final List<String> DOVEADM = List.of(
            "{SHA512-CRYPT}$6$xgNrWsqnCPfiejyy$/OwBhDVktV5yZaY6jffA2QUeFp8SB5iEXHbiR37ywFAI1Y4DoXoSn9H0F4nl.MDqsYS3wXfEUyyXi4un1uMcz.",
            "{BLF-CRYPT}$2y$05$t7YUkWv55eEOkMbhZCEAq.o29iROMy3piab5O0XNGB34BsBgUpQl6",
            "{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$6Ujq4rEtxQrT3SN78rVpuQ$ydL04UIHMrQD2uqvM9ss6bHNAd3xmhsgFfSPXMQQ1aU",
            "{SCRAM-SHA-256}4096,t7+qH/r9gL3M0dY+jgBzcw==,0jdYBzAMQlQM+756VjUQsZcVcHW48btE1cU0osgspfQ=,d6YFkZoMu+Y4TYbt3+CV9aljMoNJGzzSijyot/9+JYg=");

    @Test
    void dovecotHashesVerify() throws Exception {
        for (String h : DOVEADM) {
            assertTrue(PasswordScheme.verify(h, "secret"), h);
            assertFalse(PasswordScheme.verify(h, "Secret"), h);
        }
    }

    @Test
    void opensslSha512Crypt() throws Exception {
        // openssl passwd -6 -salt saltsaltsaltsalt secret; openssl passwd -6 -salt 'rounds=10000$abc' 'pass word'
        assertTrue(PasswordScheme.verify("$6$saltsaltsaltsalt$ph0yGsyjzqdeFaon7.gJZo8eAG5/rj9/JdzOu1Rl7dKzBYg3xgvl7T2VQ2Rt81bc5AXkdA54r0p8QvC1omD6R1", "secret"));
        assertTrue(PasswordScheme.verify("{CRYPT}$6$rounds=10000$abc$LdwMUGuvvEBvpJmm56HBrqIFiQpqCD/61Sza3z9JCdJ/ow6NmrBYsRpNEZcP.Z8STL4P3XizKNq6maPck.6gT1", "pass word"));
        assertEquals("$6$saltsaltsaltsalt$ph0yGsyjzqdeFaon7.gJZo8eAG5/rj9/JdzOu1Rl7dKzBYg3xgvl7T2VQ2Rt81bc5AXkdA54r0p8QvC1omD6R1",
                ShaCrypt.crypt("secret", "saltsaltsaltsalt", 5000, false));
    }

    @Test
    void oursRoundTripAndDoveadmAgrees() throws Exception {
        boolean doveadm = Files.isExecutable(Path.of("/usr/bin/doveadm"));
        for (PasswordScheme s : PasswordScheme.values()) {
            String h = s.hash("c0rrect horse");
            assertTrue(h.startsWith("{" + s.label() + "}"), h);
            assertTrue(PasswordScheme.verify(h, "c0rrect horse"), h);
            assertFalse(PasswordScheme.verify(h, "c0rrect hors"), h);
            if (doveadm) {
                Process p = new ProcessBuilder("doveadm", "pw", "-t", h, "-p", "c0rrect horse").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue(), s + ": " + out);
                assertTrue(out.contains("(verified)"), out);
            }
        }
        assumeTrue(doveadm, "doveadm not installed: our hashes were not checked by Dovecot");
    }

    @Test
    void plaintextAndUnknownSchemesAreRefused() {
        assertThrows(PasswordScheme.UnusableHash.class, () -> PasswordScheme.verify("secret", "secret"));
        assertThrows(PasswordScheme.UnusableHash.class, () -> PasswordScheme.verify("{PLAIN}secret", "secret"));
        assertThrows(PasswordScheme.UnusableHash.class, () -> PasswordScheme.verify("{CLEAR}secret", "secret"));
        assertThrows(PasswordScheme.UnusableHash.class, () -> PasswordScheme.verify("{MD5}x", "secret"));
        assertThrows(PasswordScheme.UnusableHash.class, () -> PasswordScheme.verify("{ARGON2ID}$argon2id$v=19$m=999999999,t=3,p=1$a$b", "x"));
    }
}
