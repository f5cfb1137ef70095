package org.postroom.master;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postroom.global.config.MasterCf;
import org.postroom.global.config.MasterEntry;

class SpawnerTest {
    static MasterEntry entry(String line) {
        return MasterCf.parse(Path.of("master.cf"), line, 100, w -> {}).getFirst();
    }

    @Test
    void commandLinesAsMasterSpawnBuildsThem() {
        Spawner s = new Spawner(Path.of("/usr/libexec/postroom"), Path.of("/etc/postroom"), Path.of("/var/spool/postroom"), 999, 998, false, false);
        assertEquals(List.of("/usr/libexec/postroom/smtpd", "-n", "127.0.0.1:2525", "-t", "inet", "-u", "-m", "100", "-o", "syslog_name=postfix/x"),
                s.command(entry("127.0.0.1:2525 inet n - n - - smtpd -o syslog_name=postfix/x"), false));
        assertEquals(List.of("/usr/libexec/postroom/qmgr", "-t", "unix", "-u", "-l", "-p"), s.command(entry("qmgr unix n - n 300 1 qmgr"), false));
        assertEquals(List.of("/usr/libexec/postroom/trivial-rewrite", "-n", "rewrite", "-t", "unix", "-u", "-m", "100"),
                s.command(entry("rewrite unix - - n - - trivial-rewrite"), false));
        assertEquals(List.of("/usr/libexec/postroom/cleanup", "-t", "unix", "-u", "-z", "-p"), s.command(entry("cleanup unix n - n - 0 cleanup"), false));
    }

    @Test
    void rootStartsUnprivilegedServicesAsMailOwner() {
        Spawner s = new Spawner(Path.of("/l"), Path.of("/etc/postroom"), Path.of("/q"), 999, 998, true, false);
        // master binds the port and hands it over: no capability
        List<String> smtpd = s.command(entry("smtp inet n - n - - smtpd"), false);
        assertEquals(List.of("setpriv", "--reuid=999", "--regid=998", "--clear-groups", "--", "/l/smtpd", "-n", "smtp", "-t", "inet",
                "-u", "-m", "100"), smtpd);
        assertEquals("/l/smtpd", smtpd.get(s.commandIndex(smtpd)));
        // an inet service that binds its own sockets (several addresses) may bind ports below 1024, and nothing else
        List<String> own = s.command(entry("smtp inet n - n - - smtpd"), true);
        assertEquals(List.of("setpriv", "--reuid=999", "--regid=998", "--clear-groups", "--inh-caps=+net_bind_service",
                "--ambient-caps=+net_bind_service", "--", "/l/smtpd", "-n", "smtp", "-t", "inet", "-u", "-m", "100"), own);
        List<String> local = s.command(entry("local unix - n n - - local"), false);
        assertEquals("/l/local", local.getFirst(), "privileged services keep root");
    }
}
