package org.postroom.tools.postmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.postroom.util.Posix;

/**
 * Mode and owner of a table that postmap or postalias writes. By default the table gets the group and
 * other read permissions of its source file ({@code -p}: 0644), and when run by root it belongs to the
 * source file's owner ({@code -o}: root keeps it). A changed table keeps the mode and owner it had.
 *
 * @param savePerm copy read permissions from the source (no -p)
 * @param asOwner  write as the source's owner when root (no -o)
 */
public record Perms(boolean savePerm, boolean asOwner) {

    /** A mode, and {uid, gid} or null to leave the owner as created. */
    public record Result(Set<PosixFilePermission> mode, int[] owner) {}

    private static final Set<PosixFilePermission> DEFAULT = PosixFilePermissions.fromString("rw-r--r--");

    Result forSource(Path src) {
        Set<PosixFilePermission> mode = EnumSet.copyOf(DEFAULT);
        int[] owner = null;
        try {
            if (Files.isRegularFile(src)) {
                Set<PosixFilePermission> sp = Files.getPosixFilePermissions(src);
                if (savePerm) {
                    if (!sp.contains(PosixFilePermission.GROUP_READ)) mode.remove(PosixFilePermission.GROUP_READ);
                    if (!sp.contains(PosixFilePermission.OTHERS_READ)) mode.remove(PosixFilePermission.OTHERS_READ);
                }
                if (asOwner && Posix.isRoot()) {
                    owner = new int[] {(Integer) Files.getAttribute(src, "unix:uid"), (Integer) Files.getAttribute(src, "unix:gid")};
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // keep the defaults
        }
        return new Result(mode, owner);
    }

    static Result existing(Path db) {
        try {
            if (Files.exists(db, LinkOption.NOFOLLOW_LINKS)) {
                return new Result(Files.getPosixFilePermissions(db), Posix.isRoot()
                        ? new int[] {(Integer) Files.getAttribute(db, "unix:uid"), (Integer) Files.getAttribute(db, "unix:gid")}
                        : null);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // fall through
        }
        return new Result(DEFAULT, null);
    }
}
