package org.postroom.tools.postfix;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The ownership and modes of an installation (Postfix's postfix-files, as Postroom's master creates
 * them): the queue directory root:0755, pid/ root:0755, maildrop mail_owner 1733 (sendmail drops mail
 * there as the user), public mail_owner 0711, the other queue directories mail_owner 0700, queue
 * files owned by mail_owner, configuration files owned by root and not group or other writable.
 * {@link #check} reports each problem in postfix-script's words; {@link #fix} repairs them
 * (postfix set-permissions).
 */
final class QueueTree {
    static final Map<String, Integer> DIRS = Map.ofEntries(Map.entry("maildrop", 01733), Map.entry("incoming", 0700),
            Map.entry("active", 0700), Map.entry("deferred", 0700), Map.entry("hold", 0700), Map.entry("corrupt", 0700),
            Map.entry("defer", 0700), Map.entry("bounce", 0700), Map.entry("trace", 0700), Map.entry("saved", 0700),
            Map.entry("private", 0700), Map.entry("public", 0711));
    /** Directories whose files are queue files owned by mail_owner. */
    static final List<String> FILE_DIRS = List.of("incoming", "active", "deferred", "hold", "corrupt", "defer", "bounce",
            "trace", "saved");

    private final Path queueDir;
    private final Path configDir;
    private final String owner;
    private final int ownerUid;
    private final int ownerGid;

    QueueTree(Path queueDir, Path configDir, String owner, int ownerUid, int ownerGid) {
        this.queueDir = queueDir;
        this.configDir = configDir;
        this.owner = owner;
        this.ownerUid = ownerUid;
        this.ownerGid = ownerGid;
    }

    /** Reports problems, one line each, as "warning: ..." texts. */
    void check(boolean asRoot, Consumer<String> warn) throws IOException {
        if (asRoot) {
            rootOwned(queueDir, warn);
            for (String f : List.of("main.cf", "master.cf")) rootOwned(configDir.resolve(f), warn);
        }
        for (Map.Entry<String, Integer> d : DIRS.entrySet()) {
            Path p = queueDir.resolve(d.getKey());
            Map<String, Object> st = stat(p);
            if (st == null) continue;
            if ((Integer) st.get("uid") != ownerUid) warn.accept("not owned by " + owner + ": " + p);
        }
        for (String d : FILE_DIRS) {
            List<Path> files = new ArrayList<>();
            walkAll(queueDir.resolve(d), files);
            for (Path p : files) {
                Map<String, Object> st = stat(p);
                if (st != null && (Integer) st.get("uid") != ownerUid) warn.accept("not owned by " + owner + ": " + p);
            }
        }
        walk(queueDir.resolve("corrupt"), p -> warn.accept("damaged message: corrupt/" + p.getFileName()));
    }

    /** Sets owners and modes; returns the number of changes. */
    int fix(Consumer<String> info) throws IOException {
        int changes = 0;
        changes += set(queueDir, 0, 0, 0755, info);
        changes += set(queueDir.resolve("pid"), 0, 0, 0755, info);
        for (Map.Entry<String, Integer> d : DIRS.entrySet()) {
            Path p = queueDir.resolve(d.getKey());
            if (!Files.isDirectory(p)) {
                Files.createDirectories(p);
                info.accept("created " + p);
            }
            changes += set(p, ownerUid, ownerGid, d.getValue(), info);
        }
        for (String d : FILE_DIRS) {
            List<Path> all = new ArrayList<>();
            walkAll(queueDir.resolve(d), all);
            for (Path p : all) changes += set(p, ownerUid, ownerGid, -1, info);
        }
        for (String f : List.of("main.cf", "master.cf")) {
            Path p = configDir.resolve(f);
            Map<String, Object> st = stat(p);
            if (st != null) changes += set(p, 0, 0, (Integer) st.get("mode") & 0755, info);
        }
        return changes;
    }

    private void rootOwned(Path p, Consumer<String> warn) throws IOException {
        Map<String, Object> st = stat(p);
        if (st == null) return;
        if ((Integer) st.get("uid") != 0) warn.accept("not owned by root: " + p);
        if (((Integer) st.get("mode") & 0022) != 0) warn.accept("group or other writable: " + p);
    }

    /** chown and chmod (mode -1: keep); returns 1 when something changed. */
    private static int set(Path p, int uid, int gid, int mode, Consumer<String> info) throws IOException {
        Map<String, Object> st = stat(p);
        if (st == null) return 0;
        int changed = 0;
        if ((Integer) st.get("uid") != uid || (Integer) st.get("gid") != gid) {
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            changed = 1;
        }
        if (mode >= 0 && ((Integer) st.get("mode") & 07777) != mode) {
            Files.setAttribute(p, "unix:mode", mode);
            changed = 1;
        }
        if (changed != 0 && info != null) info.accept("fixed " + p);
        return changed;
    }

    private static Map<String, Object> stat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void walk(Path dir, Consumer<Path> each) throws IOException {
        List<Path> all = new ArrayList<>();
        walkAll(dir, all);
        for (Path p : all) if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) each.accept(p);
    }

    private static void walkAll(Path dir, List<Path> out) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                out.add(p);
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) walkAll(p, out);
            }
        } catch (NoSuchFileException e) {
            // went away
        }
    }
}
