package org.postroom.tools.postconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.testkit.GoldenFiles;
import org.postroom.tools.common.Fatal;

/**
 * postconf editing and printing: golden files for -e/-X/-# on main.cf (each case: a main.cf, then
 * "=== -e name=value ..." lines), the master.cf column layout, and the option consistency rules.
 */
class EditorTest {
    static List<Path> cases() {
        return GoldenFiles.cases(EditorTest.class);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void edits(Path in) {
        GoldenFiles.check(in, text -> {
            int cut = text.indexOf("=== ");
            String main = text.substring(0, cut);
            StringBuilder out = new StringBuilder();
            for (String req : text.substring(cut).split("\n")) {
                if (!req.startsWith("=== ")) continue;
                String[] w = req.substring(4).split(" ");
                int how = switch (w[0]) {
                    case "-e" -> MainEditor.EDIT;
                    case "-X" -> MainEditor.EXCLUDE;
                    default -> MainEditor.COMMENT;
                };
                Map<String, String> r = new LinkedHashMap<>();
                for (int i = 1; i < w.length; i++) {
                    int eq = w[i].indexOf('=');
                    if (eq < 0) r.put(w[i], null);
                    else r.put(w[i].substring(0, eq), w[i].substring(eq + 1));
                }
                out.append(req).append('\n').append(MainEditor.apply(Path.of("main.cf"), main, how, r));
            }
            return out.toString();
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "smtp inet n - n - - smtpd|smtp       inet  n       -       n       -       -       smtpd",
        "127.0.0.1:2525 inet n - n - - smtpd|127.0.0.1:2525 inet n    -       n       -       -       smtpd",
        "postlog unix-dgram n - n - 1 postlogd|postlog    unix-dgram n  -       n       -       1       postlogd",
        "relay unix - - n - - smtp -o syslog_name=postfix/$service_name|relay      unix  -       -       n       -       -       smtp -o syslog_name=postfix/$service_name",
        "x unix - - n - - smtpd -o { smtpd_banner = a b }|x          unix  -       -       n       -       -       smtpd -o {smtpd_banner=a b}",
        "x unix - - n - - smtpd -vosyslog_name=x|x          unix  -       -       n       -       -       smtpd -v -o syslog_name=x",
    })
    void masterColumns(String in, String out) {
        assertEquals(out + "\n", MasterPrinter.format(ServiceEntry.parse(in), false, (e, v) -> v));
    }

    @Test
    void masterFolding() {
        ServiceEntry e = ServiceEntry.parse("maildrop unix - n n - - pipe flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}");
        assertEquals("maildrop   unix  -       n       n       -       -       pipe flags=DRXhu\n"
                + "    user=vmail argv=/usr/bin/maildrop -d ${recipient}\n", MasterPrinter.format(e, true, (x, v) -> v));
        ServiceEntry r = ServiceEntry.parse("relay unix - - n - - smtp -o syslog_name=x -o a=b");
        assertEquals("relay      unix  -       -       n       -       -       smtp\n    -o syslog_name=x\n    -o a=b\n",
                MasterPrinter.format(r, true, (x, v) -> v));
    }

    @Test
    void lineFolding() {
        assertEquals("relayhost =\n", LinePrinter.format(false, "relayhost = "));
        assertEquals("a = b c\n", LinePrinter.format(false, "a  =   b\t c"));
        assertEquals("smtpd_relay_restrictions = ${{$compatibility_level} <level {1} ? {} :\n"
                + "    {permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination}}\n",
                LinePrinter.format(true, "smtpd_relay_restrictions = ${{$compatibility_level} <level {1} ? {} : "
                        + "{permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination}}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-M -F|specify one of -F -M",
        "-n -d|specify one of -d -n",
        "-M -n|with option -M, do not specify -n",
        "-m -n|with option -m, do not specify -n",
        "-d -e|specify one of -d -e",
        "-F -X|with option -F, do not specify -X",
    })
    void optionRules(String options, String message) {
        Postconf p = new Postconf();
        for (String o : options.split(" ")) {
            switch (o) {
                case "-M" -> p.master = true;
                case "-F" -> p.fields = true;
                case "-n" -> p.nonDefault = true;
                case "-d" -> p.defaults = true;
                case "-m" -> p.maps = true;
                case "-e" -> p.edit = true;
                case "-X" -> p.exclude = true;
                default -> throw new IllegalArgumentException(o);
            }
        }
        Fatal f = assertThrows(Fatal.class, () -> Mode.check(p.mode()));
        assertEquals(message, f.getMessage());
    }
}
