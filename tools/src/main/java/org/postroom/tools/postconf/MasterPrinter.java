package org.postroom.tools.postconf;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.postroom.tools.common.Fatal;
import org.postroom.tools.common.ToolLog;

/**
 * postconf -M, -F and -P output (postconf_master.c): entries with the eight fields at columns 0, 11,
 * 17, 25, 33, 41, 49 and 57 (at least one space apart), "-o" options kept with their value and, with
 * -f, each on a continuation line indented four spaces; "service/type/field = value" lines; and
 * "service/type/parameter = value" lines, parameters sorted within each entry.
 */
final class MasterPrinter {
    private static final int[] COLUMNS = {0, 11, 17, 25, 33, 41, 49, 57};
    private static final int LIMIT = LinePrinter.LINE_LIMIT;
    private static final String INDENT = LinePrinter.INDENT;

    private final PrintStream out;
    private final int mode;
    /** Expands an -o value for an entry (-x), or returns it unchanged. */
    private final BiFunction<ServiceEntry, String, String> expand;

    MasterPrinter(PrintStream out, int mode, BiFunction<ServiceEntry, String, String> expand) {
        this.out = out;
        this.mode = mode;
        this.expand = expand;
    }

    /** The text of one entry, ending in a newline (also used to write edited entries). */
    static String format(ServiceEntry e, boolean fold, BiFunction<ServiceEntry, String, String> expand) {
        StringBuilder b = new StringBuilder(100);
        List<String> a = e.argv;
        int len = 0;
        for (int f = 0; f < ServiceEntry.MIN_FIELDS; f++) {
            if (len > 0) {
                do {
                    b.append(' ');
                    len++;
                } while (len < COLUMNS[f]);
            }
            b.append(a.get(f));
            len += a.get(f).length();
        }
        len = args(b, a, ServiceEntry.MIN_FIELDS, len, fold, e, expand, 3);
        return b.append('\n').toString();
    }

    /** Appends the daemon options and arguments; returns the line length. */
    private static int args(StringBuilder b, List<String> a, int from, int len, boolean fold, ServiceEntry e,
                            BiFunction<ServiceEntry, String, String> expand, int optExtra) {
        boolean inOptions = true;
        for (int field = from; field < a.size(); field++) {
            String arg = a.get(field);
            int argLen = arg.length();
            String aval = null;
            boolean parens = false;
            if (inOptions) {
                if (!arg.startsWith("-") || arg.equals("--")) {
                    inOptions = false;
                } else if (arg.length() > 1 && arg.charAt(1) == 'o' && field + 1 < a.size()) {
                    aval = a.get(field + 1);
                    len = LIMIT;
                    if (arg.equals("-o")) aval = expand.apply(e, aval);
                    argLen += aval.length() + optExtra;
                    parens = hasBlank(aval);
                    if (parens) argLen += 2;
                }
            } else {
                parens = hasBlank(arg);
            }
            if (len > INDENT.length()) {
                if (!fold || len + 1 + argLen < LIMIT) {
                    b.append(' ');
                    len++;
                } else {
                    b.append('\n').append(INDENT);
                    len = INDENT.length();
                }
            }
            boolean wrap = !inOptions && parens;
            if (wrap) b.append('{');
            b.append(arg);
            if (wrap) b.append('}');
            len += arg.length() + (wrap ? 2 : 0);
            if (aval != null) {
                b.append(' ');
                if (parens) b.append('{');
                b.append(aval);
                if (parens) b.append('}');
                field++;
                len = LIMIT;
            }
        }
        return len;
    }

    private static boolean hasBlank(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n') return true;
        return false;
    }

    void entries(List<ServiceEntry> entries, List<String> filters) {
        List<String[]> reqs = patterns(filters, 1, 2, "-M option requires service_name[/type]");
        int[] hits = new int[reqs.size()];
        for (ServiceEntry e : entries) {
            if (reqs.isEmpty()) {
                out.print(format(e, (mode & Mode.FOLD_LINE) != 0, expand));
                continue;
            }
            for (int i = 0; i < reqs.size(); i++) {
                if (matches(reqs.get(i), e)) {
                    hits[i]++;
                    out.print(format(e, (mode & Mode.FOLD_LINE) != 0, expand));
                }
            }
        }
        unmatched(filters, hits);
    }

    void fields(List<ServiceEntry> entries, List<String> filters) {
        List<String[]> reqs = patterns(filters, 1, 3, "-F option requires service_name[/type[/field]]");
        int[] fieldOf = new int[reqs.size()];
        for (int i = 0; i < reqs.size(); i++) fieldOf[i] = reqs.get(i).length > 2 ? fieldIndex(reqs.get(i)[2]) : -1;
        int[] hits = new int[reqs.size()];
        for (ServiceEntry e : entries) {
            if (reqs.isEmpty()) {
                for (int f = 0; f <= ServiceEntry.CMD; f++) field(e, f);
                continue;
            }
            for (int i = 0; i < reqs.size(); i++) {
                if (!matches(reqs.get(i), e)) continue;
                hits[i]++;
                if (fieldOf[i] < 0) for (int f = 0; f <= ServiceEntry.CMD; f++) field(e, f);
                else field(e, fieldOf[i]);
            }
        }
        unmatched(filters, hits);
    }

    /** The field number for a name, -1 for the wildcard; fatal for an unknown name. */
    static int fieldIndex(String name) {
        if (name.equals("*")) return -1;
        for (int f = 0; f < ServiceEntry.FIELD_NAMES.length; f++) if (ServiceEntry.FIELD_NAMES[f].equals(name)) return f;
        throw new Fatal("invalid service attribute name: \"" + name + "\"");
    }

    private void field(ServiceEntry e, int f) {
        StringBuilder b = new StringBuilder();
        int len = 0;
        String value = e.argv.get(f);
        if ((mode & Mode.HIDE_NAME) == 0) {
            b.append(e.nameSpace()).append('/').append(ServiceEntry.FIELD_NAMES[f]).append(" = ");
            len = b.length();
            if (len + value.length() > LIMIT) {
                b.append('\n').append(INDENT);
                len = INDENT.length();
            }
        }
        b.append(value);
        len += value.length();
        if (f == ServiceEntry.CMD) args(b, e.argv, ServiceEntry.MIN_FIELDS, len, (mode & Mode.FOLD_LINE) != 0, e, expand, 1);
        out.print(b.append('\n'));
    }

    void params(List<ServiceEntry> entries, List<String> filters) {
        List<String[]> reqs = patterns(filters, 1, 3, "-P option requires service_name[/type[/parameter]]");
        int[] hits = new int[reqs.size()];
        for (ServiceEntry e : entries) {
            Map<String, String> params = e.params();
            if (reqs.isEmpty()) {
                all(e, params);
                continue;
            }
            for (int i = 0; i < reqs.size(); i++) {
                String[] r = reqs.get(i);
                if (!matches(r, e)) continue;
                String p = r.length > 2 ? r[2] : "*";
                if (p.equals("*")) {
                    all(e, params);
                    hits[i]++;
                } else if (params.containsKey(p)) {
                    param(e, p, params.get(p));
                    hits[i]++;
                }
            }
        }
        unmatched(filters, hits);
    }

    private void all(ServiceEntry e, Map<String, String> params) {
        for (Map.Entry<String, String> p : new TreeMap<>(params).entrySet()) param(e, p.getKey(), p.getValue());
    }

    private void param(ServiceEntry e, String name, String value) {
        String v = (mode & Mode.SHOW_EVAL) != 0 ? expand.apply(e, value) : value;
        boolean fold = (mode & Mode.FOLD_LINE) != 0;
        LinePrinter.print(out, fold, (mode & Mode.HIDE_NAME) == 0 ? e.nameSpace() + "/" + name + " = " + v : v);
    }

    /** pcf_parse_service_pattern(): 'min' to 'max' slash-separated components, none empty. */
    static List<String[]> patterns(List<String> filters, int min, int max, String error) {
        List<String[]> out = new ArrayList<>();
        for (String f : filters) {
            String[] p = f.split("/", -1);
            if (p.length < min || p.length > max) throw new Fatal(error);
            for (String s : p) if (s.isEmpty()) throw new Fatal(error);
            out.add(p);
        }
        return out;
    }

    static boolean matches(String[] p, ServiceEntry e) {
        return (p[0].equals("*") || p[0].equals(e.name())) && (p.length < 2 || p[1].equals("*") || p[1].equals(e.type()));
    }

    private static void unmatched(List<String> filters, int[] hits) {
        for (int i = 0; i < hits.length; i++) if (hits[i] == 0) ToolLog.warn("unmatched request: \"" + filters.get(i) + "\"");
    }
}
