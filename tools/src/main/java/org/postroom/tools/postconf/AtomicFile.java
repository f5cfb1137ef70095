package org.postroom.tools.postconf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import org.postroom.tools.common.Fatal;

/**
 * edit_file(): a configuration file is rewritten through FILE.tmp, fsynced and renamed into place, so
 * that a crash or a full disk leaves either the old or the new file, never half of one. The new file
 * keeps the old one's owner and permissions. A file that does not exist, or that this user may not
 * write, is an error and nothing is changed.
 */
final class AtomicFile {
    private AtomicFile() {}

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Fatal("open " + file + " for reading: No such file or directory");
        } catch (AccessDeniedException e) {
            throw new Fatal("open " + file + " for reading: Permission denied");
        } catch (IOException e) {
            throw new Fatal("open " + file + " for reading: " + e.getMessage());
        }
    }

    static void replace(Path file, String content) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        if (!Files.isWritable(file)) throw new Fatal("open " + file + ": Permission denied");
        try {
            PosixFileAttributes old = Files.readAttributes(file, PosixFileAttributes.class);
            if (old.permissions().stream().noneMatch(p -> p.name().endsWith("_WRITE"))) {
                throw new Fatal(file + ": file is read-only (no write permission); not changed");
            }
            Files.deleteIfExists(tmp);
            Files.writeString(tmp, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.SYNC);
            Files.setPosixFilePermissions(tmp, old.permissions());
            try {
                Files.setOwner(tmp, old.owner());
                Files.getFileAttributeView(tmp, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(old.group());
            } catch (IOException e) {
                // not root: the file stays ours, as with Postfix
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AccessDeniedException e) {
            deleteQuietly(tmp);
            throw new Fatal("open " + tmp + ": Permission denied");
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new Fatal("write " + tmp + ": " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // nothing more to do
        }
    }
}
