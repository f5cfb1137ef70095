package org.postroom.pickup;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * safe_open() for reading a file that a hostile user controls (Postfix safe_open.c). The file is opened
 * with O_NOFOLLOW | O_NONBLOCK, and its attributes are then read from the open descriptor itself, through
 * /proc/self/fd (fstat), not from the name: the opened inode must be the one the directory scan saw,
 * a regular file with one link. The JDK cannot fstat a FileChannel, hence the open(2) call here; the
 * data is then read through a channel on the same descriptor entry. Linux only; the JVM needs
 * --enable-native-access=ALL-UNNAMED, as for util's Posix.
 */
@SuppressWarnings("restricted")
final class SafeOpen {
    private SafeOpen() {}

    /** An opened file and the attributes of the inode that was really opened. */
    record Opened(FileChannel channel, int uid, int mode, FileTime mtime) implements Closeable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** The identity of a file as seen by lstat: device and inode. */
    record FileKey(long dev, long ino) {}

    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int O_NONBLOCK = 04000;
    private static final int O_NOCTTY = 0400;
    private static final int O_CLOEXEC = 02000000;
    private static final int O_NOFOLLOW = switch (System.getProperty("os.arch")) {
        case "aarch64", "arm" -> 0100000;
        default -> 0400000; // x86, and the asm-generic value
    };

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /** lstat(): the attributes of the name itself; a symbolic link is not followed. */
    static Map<String, Object> lstat(Path path) throws IOException {
        return Files.readAttributes(path, "unix:mode,uid,ino,dev,nlink,lastModifiedTime", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    static FileKey key(Map<String, Object> attrs) {
        return new FileKey((Long) attrs.get("dev"), (Long) attrs.get("ino"));
    }

    /** Opens {@code path} for reading if it is still the regular, singly linked file {@code expected}. */
    static Opened open(Path path, FileKey expected) throws IOException {
        int fd = open(path);
        try {
            Path self = Path.of("/proc/self/fd/" + fd);
            Map<String, Object> st = Files.readAttributes(self, "unix:mode,uid,ino,dev,nlink,lastModifiedTime");
            int mode = (Integer) st.get("mode");
            if ((mode & S_IFMT) != S_IFREG) throw new FileSystemException(path.toString(), null, "not a regular file");
            if (!key(st).equals(expected)) throw new FileSystemException(path.toString(), null, "file status changed");
            int links = (Integer) st.get("nlink");
            if (links != 1) throw new FileSystemException(path.toString(), null, "file has " + links + " hard links");
            FileChannel ch = FileChannel.open(self, StandardOpenOption.READ);
            return new Opened(ch, (Integer) st.get("uid"), mode, (FileTime) st.get("lastModifiedTime"));
        } finally {
            close(fd);
        }
    }

    private static int open(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment name = arena.allocateFrom(path.toString());
            int fd;
            try {
                fd = (int) OPEN.invokeExact(state, name, O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (fd >= 0) return fd;
            int errno = (int) ERRNO.get(state, 0L);
            throw switch (errno) {
                case 2 -> new NoSuchFileException(path.toString());
                case 13 -> new AccessDeniedException(path.toString());
                case 40 -> new FileSystemException(path.toString(), null, "Too many levels of symbolic links");
                default -> new FileSystemException(path.toString(), null, "open failed, errno " + errno);
            };
        }
    }

    private static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd); // nothing to do about a failed close of a read-only file
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
