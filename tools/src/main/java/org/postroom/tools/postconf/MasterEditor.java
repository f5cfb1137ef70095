package org.postroom.tools.postconf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.postroom.tools.common.Fatal;
import org.postroom.tools.common.ToolLog;

/**
 * postconf -Me/-MX/-M#, -Fe and -Pe/-PX on master.cf (postconf_edit.c pcf_edit_master). Matched
 * entries are replaced by their edited form (written as postconf -Mf prints them), removed or
 * commented out; a whole-entry request that matches nothing is appended; a field or parameter request
 * that matches nothing draws "unmatched service_name/type". Other lines stay byte for byte.
 */
final class MasterEditor {
    private MasterEditor() {}

    private record Request(String raw, String[] pattern, String value, int field, String param, int[] hits) {}

    static void edit(Path file, int mode, List<String> args) {
        String opts = "-Me, -Fe, -Pe, -X, or -#";
        boolean conf = (mode & Mode.EDIT_CONF) != 0;
        List<Request> reqs = new ArrayList<>();
        for (String raw : args) {
            if (raw.indexOf('\n') >= 0) throw new Fatal(opts + " accept no multi-line input");
            String cp = raw.stripLeading();
            if (cp.startsWith("#")) throw new Fatal(opts + " accept no comment input");
            String pattern, value = null;
            if (conf) {
                int eq = cp.indexOf('=');
                if (eq < 0) throw new Fatal("missing '=' after attribute name: \"" + raw + "\"");
                pattern = cp.substring(0, eq).strip();
                value = cp.substring(eq + 1).strip();
            } else {
                if (cp.indexOf('=') >= 0) throw new Fatal("-X or -# requires names without value");
                pattern = cp.strip();
            }
            String[] p;
            int field = -1;
            String param = null;
            if ((mode & Mode.MASTER_ENTRY) != 0) {
                p = single(pattern, 2, "-Me, -MX or -M# requires service_name/type");
            } else if ((mode & Mode.MASTER_FLD) != 0) {
                p = single(pattern, 3, "-Fe or -FX requires service_name/type/field_name");
                field = MasterPrinter.fieldIndex(p[2]);
                if (field < 0) throw new Fatal("-Fe does not accept wild-card field name");
                if (conf && field < ServiceEntry.CMD && value.matches(".*\\s.*")) {
                    throw new Fatal("-Fe does not accept whitespace in non-command field");
                }
            } else {
                p = single(pattern, 3, "-Pe or -PX requires service_name/type/parameter");
                param = p[2];
                if (param.equals("*")) throw new Fatal("-Pe does not accept wild-card parameter name");
                if (conf && value.matches(".*\\s.*")) throw new Fatal("-Pe does not accept whitespace in parameter value");
            }
            reqs.add(new Request(raw, p, value, field, param, new int[1]));
        }
        String text = AtomicFile.read(file);
        AtomicFile.replace(file, apply(file, text, mode, reqs));
    }

    private static String[] single(String pattern, int n, String error) {
        List<String[]> l = MasterPrinter.patterns(List.of(pattern), n, n, error);
        return l.get(0);
    }

    private static String apply(Path file, String text, int mode, List<Request> reqs) {
        boolean conf = (mode & Mode.EDIT_CONF) != 0;
        boolean comment = (mode & Mode.COMMENT_OUT) != 0;
        StringBuilder out = new StringBuilder(text.length() + 128);
        String[] lines = text.split("(?<=\n)", -1);
        int i = 0;
        while (i < lines.length) {
            String l = lines[i].endsWith("\n") || lines[i].isEmpty() ? lines[i] : lines[i] + "\n";
            if (l.isEmpty()) {
                i++;
                continue;
            }
            String stripped = l.strip();
            if (stripped.isEmpty() || stripped.startsWith("#") || Character.isWhitespace(l.charAt(0))) {
                out.append(l);
                i++;
                continue;
            }
            // gather the logical line: continuation lines, and the comment or blank lines among them
            int start = i;
            StringBuilder entry = new StringBuilder(l);
            List<String> block = new ArrayList<>(List.of(l));
            List<String> passThrough = new ArrayList<>();
            int j = i + 1;
            while (j < lines.length && !lines[j].isEmpty() && (Character.isWhitespace(lines[j].charAt(0)) || lines[j].startsWith("#"))) {
                String c = lines[j].endsWith("\n") ? lines[j] : lines[j] + "\n";
                block.add(c);
                if (c.strip().isEmpty() || c.strip().startsWith("#")) passThrough.add(c);
                else entry.append(c);
                j++;
            }
            i = j;
            List<String> words = ServiceEntry.split(entry.toString());
            if (words.size() < 2) throw new Fatal("file " + file + ": line " + (start + 1) + ": specify service name and type on the same line");
            String name = words.get(0), type = words.get(1);
            boolean matched = false;
            ServiceEntry replacement = null;
            for (Request r : reqs) {
                ServiceEntry tentative = (mode & Mode.MASTER_ENTRY) != 0 && conf ? parseNew(r) : null;
                boolean hit = matches(r.pattern(), name, type)
                        || tentative != null && tentative.name().equals(name) && tentative.type().equals(type);
                if (!hit) continue;
                matched = true;
                r.hits()[0]++;
                if ((mode & Mode.MASTER_ENTRY) != 0) {
                    if (conf && r.hits()[0] == 1) replacement = tentative;
                } else if (conf || (mode & Mode.EDIT_EXCL) != 0) {
                    if (replacement == null) replacement = parseExisting(file, start, entry.toString());
                    if ((mode & Mode.MASTER_FLD) != 0) replacement.setField(r.field(), r.value());
                    else replacement.editParam(r.param(), r.value(), !conf);
                }
            }
            if (replacement != null && (mode & Mode.MASTER_ENTRY) != 0) {
                out.append(MasterPrinter.format(replacement, true, (e, v) -> v));
                passThrough.forEach(out::append);
            } else if (replacement != null) {
                passThrough.forEach(out::append);
                out.append(MasterPrinter.format(replacement, true, (e, v) -> v));
            } else if (!matched) {
                block.forEach(out::append);
            } else if (comment) {
                for (String x : block) out.append(passThrough.contains(x) ? "" : "#").append(x);
            } else {
                passThrough.forEach(out::append);
            }
        }
        for (Request r : reqs) {
            if (r.hits()[0] > 0) continue;
            if ((mode & Mode.MASTER_ENTRY) != 0 && conf) out.append(MasterPrinter.format(parseNew(r), true, (e, v) -> v));
            else if ((mode & Mode.MASTER_ENTRY) == 0) ToolLog.warn("unmatched service_name/type: \"" + r.raw() + "\"");
        }
        return out.toString();
    }

    private static boolean matches(String[] p, String name, String type) {
        return (p[0].equals("*") || p[0].equals(name)) && (p[1].equals("*") || p[1].equals(type));
    }

    private static ServiceEntry parseNew(Request r) {
        try {
            return ServiceEntry.parse(r.value());
        } catch (Fatal f) {
            throw new Fatal(f.getMessage() + ": \"" + r.raw() + "\"");
        }
    }

    private static ServiceEntry parseExisting(Path file, int line, String text) {
        try {
            return ServiceEntry.parse(text);
        } catch (Fatal f) {
            throw new Fatal("file " + file + ": line " + (line + 1) + ": " + f.getMessage());
        }
    }
}
