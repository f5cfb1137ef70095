package org.postroom.tools.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.postroom.util.Posix;

/**
 * The process's real and effective user IDs for a tool, from the "Uid:" line of /proc/self/status (real,
 * effective, saved, fs). util.Posix gives the same through FFM, but setting up its five downcall handles
 * generates classes at run time, about 25 ms of every sendmail run; Posix remains the fallback.
 */
public final class Uid {
    private Uid() {}

    /** getuid(2). */
    public static int real() {
        int[] ids = proc();
        return ids != null ? ids[0] : Posix.getuid();
    }

    /** geteuid(2). */
    public static int effective() {
        int[] ids = proc();
        return ids != null ? ids[1] : Posix.geteuid();
    }

    private static int[] proc() {
        String status;
        try {
            status = new String(Files.readAllBytes(Path.of("/proc/self/status")), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        int at = status.indexOf("Uid:");
        while (at > 0 && status.charAt(at - 1) != '\n') at = status.indexOf("Uid:", at + 1);
        if (at < 0) return null;
        int end = status.indexOf('\n', at);
        String[] f = status.substring(at + 4, end < 0 ? status.length() : end).trim().split("\\s+");
        if (f.length < 2) return null;
        try {
            return new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1])};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
