package org.postroom.util;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The few POSIX calls the JDK does not offer, through the FFM API: uid queries, kill(2), dup(2)/dup2(2).
 * Everything else (chown, modes, inode numbers) goes through java.nio's "unix:" attributes.
 */
public final class Posix {
    private Posix() {}

    public static final int SIGHUP = 1;
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETUID = handle("getuid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle GETEUID = handle("geteuid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle GETGID = handle("getgid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle KILL = handle("kill",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle UMASK = handle("umask",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SIGNAL = handle("signal",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

    private static final MethodHandle DUP = handle("dup", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle DUP2 = handle("dup2",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd);
    }

    public static int getuid() {
        try { return (int) GETUID.invokeExact(); } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    public static int geteuid() {
        try { return (int) GETEUID.invokeExact(); } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    public static int getgid() {
        try { return (int) GETGID.invokeExact(); } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** kill(2); returns true when the signal was sent. */
    public static boolean kill(long pid, int signal) {
        try { return (int) KILL.invokeExact((int) pid, signal) == 0; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** dup(2): a new descriptor for {@code fd}, or -1. */
    public static int dup(int fd) {
        try { return (int) DUP.invokeExact(fd); } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** dup2(2): makes {@code to} a copy of {@code from}; true on success. */
    public static boolean dup2(int from, int to) {
        try { return (int) DUP2.invokeExact(from, to) == to; } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /** umask(2); returns the previous mask. */
    public static int umask(int mask) {
        try { return (int) UMASK.invokeExact(mask); } catch (Throwable t) { throw new IllegalStateException(t); }
    }

    /**
     * signal(sig, SIG_DFL). A signal that was ignored when the process started (nohup, a shell's trap
     * '' HUP) stays ignored in the JVM, which then silently refuses sun.misc.Signal.handle() for it:
     * master(8) resets SIGHUP, SIGINT and SIGTERM first, as Postfix's master sets its handlers whatever
     * it inherited.
     */
    public static void defaultSignal(int sig) {
        try {
            java.lang.foreign.MemorySegment unused = (java.lang.foreign.MemorySegment) SIGNAL.invokeExact(sig, java.lang.foreign.MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static boolean isRoot() {
        return geteuid() == 0;
    }
}
