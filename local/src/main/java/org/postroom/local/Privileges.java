package org.postroom.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postroom.global.mailbox.Chown;
import org.postroom.util.Posix;

/**
 * Acting for another user while the JVM runs as root. A JVM cannot switch its effective uid per thread,
 * so local writes files as root and then gives them to the user (a {@link Chown} made from
 * {@link #root()}), checks the user's write permission itself before it touches a file on a user's
 * behalf, and starts commands through {@code setpriv}. When the JVM does not run as root all of this is
 * a no-op and the kernel decides.
 */
final class Privileges {
    private static final String SETPRIV = Files.isExecutable(Path.of("/usr/bin/setpriv")) ? "/usr/bin/setpriv"
            : Files.isExecutable(Path.of("/bin/setpriv")) ? "/bin/setpriv" : "setpriv";

    private final boolean root;

    Privileges(boolean root) {
        this.root = root;
    }

    static Privileges detect() {
        return new Privileges(Posix.isRoot());
    }

    boolean root() {
        return root;
    }

    /**
     * Whether {@code r} may write {@code p} (or, when it does not exist, create it in its directory), by
     * the owner/group/other mode bits; root may do anything.
     */
    boolean mayWrite(Path p, Rights r) throws IOException {
        if (!root || r.isRoot()) return true;
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return permits(p, r, 2);
        Path dir = p.toAbsolutePath().getParent();
        while (dir != null && !Files.exists(dir)) dir = dir.getParent();
        return dir != null && permits(dir, r, 3);
    }

    private static boolean permits(Path p, Rights r, int bits) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int shift = (Integer) a.get("uid") == r.uid() ? 6 : (Integer) a.get("gid") == r.gid() ? 3 : 0;
        return ((mode >> shift) & bits) == bits;
    }

    /** The command prefix that runs a program as {@code r} (empty when not root). */
    List<String> runAs(Rights r) {
        List<String> l = new ArrayList<>();
        if (root) {
            l.add(SETPRIV);
            l.add("--reuid=" + r.uid());
            l.add("--regid=" + r.gid());
            l.add("--clear-groups");
            l.add("--");
        }
        return l;
    }
}
