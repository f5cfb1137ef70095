package org.postroom.global.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/** Identity of a file version (inode and mtime), to tell when a table file was rebuilt. */
record FileStamp(Object key, long mtimeNanos, long size) {
    static final FileStamp NONE = new FileStamp(null, -1, -1);

    static FileStamp of(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return new FileStamp(a.fileKey(), a.lastModifiedTime().toInstant().getEpochSecond() * 1_000_000_000L
                    + a.lastModifiedTime().toInstant().getNano(), a.size());
        } catch (IOException e) {
            return NONE;
        }
    }

    boolean differs(Path p) {
        FileStamp now = of(p);
        return !Objects.equals(key, now.key) || mtimeNanos != now.mtimeNanos || size != now.size;
    }
}
