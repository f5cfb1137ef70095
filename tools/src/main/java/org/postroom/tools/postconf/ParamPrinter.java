package org.postroom.tools.postconf;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.postroom.global.config.MainCf;
import org.postroom.tools.common.ToolLog;

/**
 * postconf's main.cf output (postconf_main.c pcf_show_parameters): "name = value" lines through
 * pcf_print_line, for every known parameter (sorted) or for the names asked for (in argument order).
 */
final class ParamPrinter {
    private final PrintStream out;
    private final int mode;
    private final Postconf.Config c;
    private MainCf defaultsOnly;

    ParamPrinter(PrintStream out, int mode, Postconf.Config c) {
        this.out = out;
        this.mode = mode;
        this.c = c;
    }

    void show(List<String> names, int classMask) {
        if (names.isEmpty()) {
            for (String n : c.table.names(classMask)) print(n);
            return;
        }
        for (String n : names) {
            if (!c.table.known(n)) ToolLog.warn(n + ": unknown parameter");
            else print(n);
        }
    }

    private void print(String name) {
        Map<String, String> settings = c.settings;
        String value;
        if ((mode & Mode.SHOW_DEFS) != 0) {
            value = c.table.defaultOf(name);
        } else if ((mode & Mode.SHOW_NONDEF) != 0) {
            if (!settings.containsKey(name)) return;
            value = settings.get(name);
        } else {
            value = settings.containsKey(name) ? settings.get(name) : c.table.defaultOf(name);
        }
        if ((mode & Mode.SHOW_EVAL) != 0 && !name.equals("mailbox_command")) value = evaluator().expand(value);
        boolean fold = (mode & Mode.FOLD_LINE) != 0;
        if ((mode & Mode.HIDE_NAME) != 0) LinePrinter.print(out, fold, value);
        else if ((mode & Mode.HIDE_VALUE) != 0) LinePrinter.print(out, fold, name);
        else LinePrinter.print(out, fold, name + " = " + value);
    }

    private MainCf evaluator() {
        if ((mode & Mode.SHOW_DEFS) == 0) return c.cfg;
        if (defaultsOnly == null) defaultsOnly = MainCf.parse(c.dir.resolve("main.cf"), "", Map.of(), w -> { });
        return defaultsOnly;
    }
}
