package org.postroom.global.mailbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.postroom.util.Posix;

/**
 * Giving new mailbox files and directories to their {@link Owner}. Postfix switches its effective uid
 * (set_eugid.c) before it creates a mailbox; a JVM cannot do that per thread, so a delivery agent creates
 * files as root and then changes their owner. When the JVM does not run as root this is a no-op and the
 * files belong to the JVM's user.
 */
public final class Chown {
    private final boolean root;

    /** @param root whether owners are changed at all (the JVM runs as root) */
    public Chown(boolean root) {
        this.root = root;
    }

    /** Changes owners when the JVM runs as root. */
    public static Chown detect() {
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
