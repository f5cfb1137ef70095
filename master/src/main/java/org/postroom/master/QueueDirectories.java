package org.postroom.master;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.postroom.util.Posix;

/**
 * Creates the queue tree with Postfix's modes (postfix-files), owned by mail_owner when master runs as
 * root. maildrop is 1733 so that sendmail(1) can drop mail while the system is down (style.md 2.8);
 * public is 0711 so that local users can reach public sockets; everything else is 0700.
 */
final class QueueDirectories {
    private QueueDirectories() {}

    static final Map<String, String> MODES = Map.ofEntries(
            Map.entry("maildrop", "rwx-wx-wx"), Map.entry("incoming", "rwx------"), Map.entry("active", "rwx------"),
            Map.entry("deferred", "rwx------"), Map.entry("hold", "rwx------"), Map.entry("corrupt", "rwx------"),
            Map.entry("defer", "rwx------"), Map.entry("bounce", "rwx------"), Map.entry("trace", "rwx------"),
            Map.entry("saved", "rwx------"), Map.entry("private", "rwx------"), Map.entry("public", "rwx--x--x"));

    /** Creates the queue's subdirectories; queue_directory itself must exist (a typo is fatal). */
    static void create(Path queueDirectory, int ownerUid, int ownerGid) throws IOException {
        if (!Files.isDirectory(queueDirectory)) {
            throw new IOException("chdir(" + queueDirectory + "): No such file or directory");
        }
        Path pid = queueDirectory.resolve("pid");
        Files.createDirectories(pid);
        Files.setPosixFilePermissions(pid, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Map.Entry<String, String> e : MODES.entrySet()) {
            Path d = queueDirectory.resolve(e.getKey());
            Files.createDirectories(d);
            if (Posix.isRoot()) {
                Files.setAttribute(d, "unix:uid", ownerUid);
                Files.setAttribute(d, "unix:gid", ownerGid);
            }
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString(e.getValue()));
            if (e.getKey().equals("maildrop")) {
                // sticky bit: no java.nio API; chmod(1) sets mode 1733
                try {
                    new ProcessBuilder("chmod", "1733", d.toString()).inheritIO().start().waitFor();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
