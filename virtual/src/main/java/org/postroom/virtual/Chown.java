package org.postroom.virtual;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.postroom.util.Posix;

/**
 * Giving new mailbox files and directories to their owner. A JVM cannot switch its effective uid per
 * thread, so virtual(8) creates files as root and then changes their owner; when the JVM does not run
 * as root this is a no-op and the files belong to the JVM's user.
 */
final class Chown {
    private final boolean root;

    Chown(boolean root) {
        this.root = root;
    }

    static Chown detect() {
        return new Chown(Posix.isRoot());
    }

    /** Gives a newly created file or directory to {@code o}; the group stays when the parent is setgid. */
    void chown(Path p, Owner o) throws IOException {
        if (!root) return;
        Files.setAttribute(p, "unix:uid", o.uid(), LinkOption.NOFOLLOW_LINKS);
        Path parent = p.toAbsolutePath().getParent();
        boolean setgid = parent != null && ((Integer) Files.getAttribute(parent, "unix:mode") & 02000) != 0;
        if (!setgid) Files.setAttribute(p, "unix:gid", o.gid(), LinkOption.NOFOLLOW_LINKS);
    }
}
