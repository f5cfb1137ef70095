package org.postroom.global.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads master.cf (master_ent.c). Each logical line is one service keyed by (name, type); the last
 * duplicate wins with Postfix's warning. Columns Postroom cannot honour (chroot=y, fifo, unix-dgram,
 * pass) are refused with a clear error rather than ignored.
 */
public final class MasterCf {
    private MasterCf() {}

    public static List<MasterEntry> load(Path configDir, int defaultProcessLimit, Consumer<String> warn) {
        Path f = configDir.resolve("master.cf");
        String content;
        try {
            content = Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(f + ": cannot read: " + e.getMessage());
        }
        return parse(f, content, defaultProcessLimit, warn);
    }

    public static List<MasterEntry> parse(Path file, String content, int defaultProcessLimit, Consumer<String> warn) {
        Map<String, MasterEntry> byKey = new LinkedHashMap<>();
        for (LogicalLines.Line l : LogicalLines.split(content, w -> warn.accept(file + ": " + w))) {
            MasterEntry e = entry(file, l, defaultProcessLimit);
            if (byKey.containsKey(e.key())) {
                warn.accept("duplicate master.cf entry for service \"" + e.service() + "\" (" + e.type().word
                        + ") -- using the last entry");
                byKey.remove(e.key());
            }
            byKey.put(e.key(), e);
        }
        return List.copyOf(byKey.values());
    }

    private static MasterEntry entry(Path file, LogicalLines.Line l, int defaultProcessLimit) {
        String where = file + ":" + l.number();
        List<String> f = tokens(l.text(), where);
        if (f.size() < 8) throw new ConfigException(where + ": bad field count (need at least 8 fields): \"" + l.text() + "\"");
        String name = f.get(0);
        MasterEntry.ServiceType type = MasterEntry.ServiceType.of(f.get(1));
        if (type == null) throw new ConfigException(where + ": bad transport type: " + f.get(1));
        if (type != MasterEntry.ServiceType.INET && type != MasterEntry.ServiceType.UNIX) {
            throw new ConfigException(where + ": service " + name + ": type " + type.word + " is not supported by Postroom");
        }
        boolean priv = yesNo(f.get(2), true, where, "private");
        if (type == MasterEntry.ServiceType.INET && f.get(2).equals("y")) {
            throw new ConfigException(where + ": inet service cannot be private");
        }
        if (type == MasterEntry.ServiceType.INET) priv = false;
        boolean unpriv = yesNo(f.get(3), true, where, "unprivileged");
        boolean chroot = yesNo(f.get(4), false, where, "chroot");
        if (chroot) {
            throw new ConfigException(where + ": service " + name + ": chroot=y is not supported by Postroom (set the chroot column to n or -)");
        }
        int wakeup = 0;
        boolean ifUsed = false;
        String w = f.get(5);
        if (!w.equals("-")) {
            if (w.endsWith("?")) {
                ifUsed = true;
                w = w.substring(0, w.length() - 1);
            }
            try {
                wakeup = Integer.parseInt(w);
                if (wakeup < 0) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new ConfigException(where + ": bad wakeup time: " + f.get(5));
            }
        }
        int maxproc = defaultProcessLimit;
        if (!f.get(6).equals("-")) {
            try {
                maxproc = Integer.parseInt(f.get(6));
                if (maxproc < 0) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new ConfigException(where + ": bad process limit: " + f.get(6));
            }
        }
        String command = f.get(7);
        Map<String, String> overrides = new LinkedHashMap<>();
        List<String> args = new ArrayList<>();
        for (int i = 8; i < f.size(); i++) {
            String a = f.get(i);
            if (a.equals("-o")) {
                if (++i >= f.size()) throw new ConfigException(where + ": missing argument after -o");
                String kv = f.get(i);
                int eq = kv.indexOf('=');
                if (eq <= 0) throw new ConfigException(where + ": bad -o parameter: \"" + kv + "\" (need name=value)");
                overrides.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
            } else if (a.startsWith("-o") && a.length() > 2 && a.indexOf('=') > 0) {
                String kv = a.substring(2);
                int eq = kv.indexOf('=');
                overrides.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
            } else {
                args.add(a);
            }
        }
        return new MasterEntry(name, type, priv, unpriv, false, wakeup, ifUsed, maxproc, command,
                java.util.Collections.unmodifiableMap(overrides), List.copyOf(args), l.number());
    }

    /** Splits on whitespace; "{ text }" is one token with the braces and outer whitespace removed. */
    static List<String> tokens(String line, String where) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '{') {
                int level = 0, j = i;
                for (; j < line.length(); j++) {
                    if (line.charAt(j) == '{') level++;
                    else if (line.charAt(j) == '}' && --level == 0) break;
                }
                if (j >= line.length()) throw new ConfigException(where + ": missing '}' in \"" + line + "\"");
                out.add(line.substring(i + 1, j).strip());
                i = j + 1;
                continue;
            }
            int j = i;
            while (j < line.length() && !Character.isWhitespace(line.charAt(j))) j++;
            out.add(line.substring(i, j));
            i = j;
        }
        return out;
    }

    private static boolean yesNo(String v, boolean def, String where, String column) {
        return switch (v) {
            case "-" -> def;
            case "y" -> true;
            case "n" -> false;
            default -> throw new ConfigException(where + ": bad " + column + " field value: " + v + " (use y, n or -)");
        };
    }
}
