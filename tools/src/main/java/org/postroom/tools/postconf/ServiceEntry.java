package org.postroom.tools.postconf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postroom.tools.common.Fatal;

/**
 * One master.cf entry as postconf sees it (postconf_master.c): the argument vector, with fields shown as
 * written ("-" stays "-") and daemon options normalised: "-oname=value" becomes "-o" "name=value",
 * "-o { name = value }" becomes "-o" "name=value", and "{ text }" arguments lose their braces.
 */
final class ServiceEntry {
    static final int MIN_FIELDS = 8, CMD = 7;
    static final String[] FIELD_NAMES = {"service", "type", "private", "unprivileged", "chroot", "wakeup", "process_limit", "command"};
    private static final List<String> TYPES = List.of("unix", "fifo", "inet", "pass", "unix-dgram");

    final List<String> argv;

    private ServiceEntry(List<String> argv) {
        this.argv = argv;
    }

    String name() {
        return argv.get(0);
    }

    String type() {
        return argv.get(1);
    }

    String nameSpace() {
        return name() + "/" + type();
    }

    /** Parses one logical line; fatal "bad field count" when it has too few fields. */
    static ServiceEntry parse(String text) {
        List<String> a = split(text);
        if (a.size() < MIN_FIELDS) throw new Fatal("bad field count");
        check(a, text);
        normalize(a);
        return new ServiceEntry(a);
    }

    /** The -o parameters, in order. */
    Map<String, String> params() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = MIN_FIELDS; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (!arg.startsWith("-") || arg.equals("--")) break;
            if (arg.length() > 1 && arg.charAt(1) == 'o' && i + 1 < argv.size()) {
                String v = argv.get(++i);
                int eq = v.indexOf('=');
                if (eq > 0) m.put(v.substring(0, eq), v.substring(eq + 1));
            }
        }
        return m;
    }

    /** Replaces a field; the command field takes the command and all its arguments. */
    void setField(int field, String value) {
        if (field == CMD) {
            while (argv.size() > CMD) argv.remove(argv.size() - 1);
            argv.addAll(split(value));
            normalize(argv);
        } else {
            argv.set(field, value);
        }
        check(argv, value);
    }

    /** -Pe / -PX: updates, adds (before the first non-option argument) or removes "-o name=value". */
    void editParam(String name, String value, boolean remove) {
        boolean matched = false;
        int field = MIN_FIELDS;
        for (; field < argv.size(); field++) {
            String arg = argv.get(field);
            if (!arg.startsWith("-") || arg.equals("--")) break;
            if (arg.length() > 1 && arg.charAt(1) == 'o' && field + 1 < argv.size()) {
                String v = argv.get(field + 1);
                if (arg.equals("-o") && v.startsWith(name + "=")) {
                    matched = true;
                    if (remove) {
                        argv.remove(field);
                        argv.remove(field);
                        field -= 2;
                    } else {
                        argv.set(field + 1, name + "=" + value);
                    }
                }
                field++;
            }
        }
        if (!remove && !matched) {
            argv.add(field, "-o");
            argv.add(field + 1, name + "=" + value);
        }
    }

    private static void check(List<String> a, String raw) {
        String shown = raw.replace('\n', ' ');
        if (!TYPES.contains(a.get(1))) throw new Fatal("invalid type field \"" + a.get(1) + "\" in \"" + shown + "\"");
        for (int f = 2; f <= 4; f++) {
            String v = a.get(f);
            if (v.length() != 1 || "yn-".indexOf(v.charAt(0)) < 0) {
                throw new Fatal("invalid " + FIELD_NAMES[f] + " field \"" + v + "\" in \"" + shown + "\"");
            }
        }
        String w = a.get(5);
        String digits = w.endsWith("?") ? w.substring(0, w.length() - 1) : w;
        if (!w.equals("-") && !(digits.length() > 0 && digits.chars().allMatch(Character::isDigit)) && !(digits.isEmpty() && w.equals("?"))) {
            throw new Fatal("invalid wakeup field \"" + w + "\" in \"" + shown + "\"");
        }
        String m = a.get(6);
        if (!m.equals("-") && !m.chars().allMatch(Character::isDigit)) {
            throw new Fatal("invalid process_limit field \"" + m + "\" in \"" + shown + "\"");
        }
    }

    /** argv_splitq(): whitespace-separated words; a {...} group is one word, braces kept. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        int i = 0, n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int j = i, level = 0;
            while (j < n) {
                char d = text.charAt(j);
                if (d == '{') level++;
                else if (d == '}' && level > 0) level--;
                else if (level == 0 && Character.isWhitespace(d)) break;
                j++;
            }
            out.add(text.substring(i, j));
            i = j;
        }
        return out;
    }

    /** pcf_normalize_daemon_args(). */
    private static void normalize(List<String> a) {
        int field = MIN_FIELDS;
        for (; field < a.size(); field++) {
            String arg = a.get(field);
            if (!arg.startsWith("-") || arg.equals("--")) break;
            int o = arg.indexOf('o', 1);
            if (o > 1) { // "-stuffozz" -> "-stuff" "-ozz"
                a.add(field + 1, "-" + arg.substring(o));
                a.set(field, arg = arg.substring(0, o));
            }
            if (arg.length() < 2 || arg.charAt(1) != 'o') continue;
            boolean extract;
            if (arg.length() > 2) {
                a.add(field + 1, arg.substring(2));
                a.set(field, "-o");
                field++;
                extract = a.get(field).startsWith("{");
            } else if (field + 1 < a.size()) {
                field++;
                extract = a.get(field).startsWith("{");
            } else {
                extract = false;
            }
            if (extract) {
                String inner = unbrace(a.get(field));
                int eq = inner.indexOf('=');
                a.set(field, eq > 0 ? inner.substring(0, eq).strip() + "=" + inner.substring(eq + 1).strip() : inner);
            }
        }
        for (; field < a.size(); field++) if (a.get(field).startsWith("{")) a.set(field, unbrace(a.get(field)));
    }

    private static String unbrace(String s) {
        String t = s.strip();
        if (t.startsWith("{")) t = t.substring(1);
        if (t.endsWith("}")) t = t.substring(0, t.length() - 1);
        return t.strip();
    }
}
