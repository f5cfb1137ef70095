package org.postroom.tools.postmap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command-line arguments as UTF-8. The JVM decodes argv with the locale's charset, so in the C locale
 * a key like "Äbc" arrives as "??bc"; the bytes are still in /proc/self/cmdline, whose last entries are
 * the program's arguments.
 */
public final class Argv {
    private Argv() {}

    public static String[] utf8(String[] args) {
        if (args.length == 0 || "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))) return args;
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            List<String> all = new ArrayList<>();
            int s = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    all.add(new String(raw, s, i - s, StandardCharsets.UTF_8));
                    s = i + 1;
                }
            }
            if (all.size() < args.length) return args;
            String[] out = all.subList(all.size() - args.length, all.size()).toArray(String[]::new);
            for (int i = 0; i < args.length; i++) {
                if (!sameAscii(args[i], out[i])) return args;
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return args;
        }
    }

    /** A sanity check that the entries line up: the ASCII characters must agree. */
    private static boolean sameAscii(String decoded, String utf8) {
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        decoded.chars().filter(c -> c < 0x80 && c != '?').forEach(c -> a.append((char) c));
        utf8.chars().filter(c -> c < 0x80 && c != '?').forEach(c -> b.append((char) c));
        return a.toString().equals(b.toString());
    }
}
