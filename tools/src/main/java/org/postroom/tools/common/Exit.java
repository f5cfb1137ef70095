package org.postroom.tools.common;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Ends a tool with its exit status. {@code System.exit} initialises the JDK's System.Logger machinery
 * to log the exit (about 12 ms of class loading on every run); the tools have no shutdown hooks that
 * matter at this point, so they flush their output and halt instead.
 */
public final class Exit {
    private Exit() {}

    public static void now(int status) {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }

    /** Flushes a tool's buffered standard output, then ends with {@code status} (1 when the output cannot be written). */
    public static void now(OutputStream out, int status) {
        int rc = status;
        try {
            out.flush();
        } catch (IOException e) {
            rc = 1;
        }
        now(rc);
    }
}
