package org.postroom.tools.postconf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.postroom.tools.common.Fatal;
import org.postroom.tools.common.ToolLog;

/**
 * postconf -e, -X and -# on main.cf (postconf_edit.c pcf_edit_main): the file is copied line by line;
 * the logical line of an edited parameter (with its continuation lines) is replaced by "name = value",
 * removed, or commented out; names not found are appended, sorted; comments, blank lines and all other
 * lines stay byte for byte. The result replaces main.cf atomically.
 */
final class MainEditor {
    private MainEditor() {}

    static final int EDIT = 1, EXCLUDE = 2, COMMENT = 3;

    static void edit(Path file, int how, List<String> args) {
        Map<String, String> requests = new LinkedHashMap<>();
        for (String raw : args) {
            if (raw.indexOf('\n') >= 0) throw new Fatal("-e, -X, or -# accepts no multi-line input");
            String cp = raw.stripLeading();
            if (cp.startsWith("#")) throw new Fatal("-e, -X, or -# accepts no comment input");
            String name, value = null;
            if (how == EDIT) {
                int eq = cp.indexOf('=');
                if (eq < 0) throw new Fatal("missing '=' after attribute name: \"" + cp + "\"");
                name = cp.substring(0, eq).strip();
                value = cp.substring(eq + 1).strip();
                if (name.isEmpty()) throw new Fatal("missing attribute name: \"" + cp + "\"");
            } else {
                if (cp.isBlank()) throw new Fatal("-X or -# requires non-blank parameter names");
                if (cp.indexOf('=') >= 0) throw new Fatal("-X or -# requires parameter names without value");
                name = cp.strip();
            }
            if (requests.containsKey(name)) {
                ToolLog.warn("ignoring earlier request: '" + name + " = " + requests.get(name) + "'");
                requests.remove(name);
            }
            requests.put(name, value);
        }
        String text = AtomicFile.read(file);
        AtomicFile.replace(file, apply(file, text, how, requests));
    }

    /** The edited text (separate for tests). */
    static String apply(Path file, String text, int how, Map<String, String> requests) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        Map<String, Integer> found = new TreeMap<>();
        boolean interesting = false;
        List<String> lines = new ArrayList<>(List.of(text.split("(?<=\n)", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1);
        for (String line : lines) {
            String l = line.endsWith("\n") ? line : line + "\n";
            String stripped = l.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                out.append(l);
                continue;
            }
            if (Character.isWhitespace(l.charAt(0))) {
                if (!interesting) out.append(l);
                else if (how == COMMENT) out.append('#').append(l);
                continue;
            }
            int end = 0;
            while (end < l.length() && !Character.isWhitespace(l.charAt(end)) && l.charAt(end) != '=') end++;
            String key = l.substring(0, end);
            interesting = requests.containsKey(key);
            if (interesting) {
                if (found.merge(key, 1, Integer::sum) == 2) ToolLog.warn(file + ": multiple entries for \"" + key + "\"");
                if (how == EDIT) out.append(key).append(" = ").append(requests.get(key)).append('\n');
                else if (how == COMMENT) out.append('#').append(l);
            } else {
                out.append(l);
            }
        }
        if (how == EDIT) {
            for (Map.Entry<String, String> r : new TreeMap<>(requests).entrySet()) {
                if (!found.containsKey(r.getKey())) out.append(r.getKey()).append(" = ").append(r.getValue()).append('\n');
            }
        }
        return out.toString();
    }
}
