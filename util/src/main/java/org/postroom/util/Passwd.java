package org.postroom.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * getpwnam()/getpwuid() over /etc/passwd. Postroom does not link libc's NSS; sites that keep users in
 * LDAP or NIS are not served by this (see docs/known-issues.md).
 */
public final class Passwd {
    private Passwd() {}

    /** One passwd entry. */
    public record Entry(String name, int uid, int gid, String gecos, String home, String shell) {}

    static Path file = Path.of("/etc/passwd");

    public static Optional<Entry> byName(String name) {
        return find(e -> e.name().equals(name));
    }

    public static Optional<Entry> byUid(int uid) {
        return find(e -> e.uid() == uid);
    }

    /** Group id for a group name from /etc/group, if any. */
    public static Optional<Integer> groupId(String group) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/group"), StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length >= 3 && f[0].equals(group)) return Optional.of(Integer.parseInt(f[2]));
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<Entry> find(java.util.function.Predicate<Entry> p) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] f = line.split(":", -1);
                if (f.length < 7) continue;
                Entry e;
                try {
                    e = new Entry(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[4], f[5], f[6]);
                } catch (NumberFormatException ex) {
                    continue;
                }
                if (p.test(e)) return Optional.of(e);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
