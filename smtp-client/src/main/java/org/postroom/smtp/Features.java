package org.postroom.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the server offered in its EHLO reply (smtp_proto.c smtp_helo's keyword loop), after
 * smtp_discard_ehlo_keywords. {@code sizeLimit} is -1 when SIZE was not offered and 0 for SIZE without
 * a limit; {@code auth} lists the mechanisms of AUTH (and AUTH=) lines, upper case.
 */
record Features(boolean esmtp, boolean pipelining, long sizeLimit, boolean eightBitMime, boolean dsn, boolean smtputf8,
                boolean starttls, List<String> auth) {

    static final Features HELO = new Features(false, false, -1, false, false, false, false, List.of());

    static Features parse(List<String> lines, Set<String> discard, String namaddr, Consumer<String> warn) {
        boolean pipelining = false;
        long size = -1;
        boolean eight = false;
        boolean dsn = false;
        boolean utf8 = false;
        boolean tls = false;
        List<String> auth = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String line = l.length() > 4 ? l.substring(4).strip() : "";
            String[] w = line.split("[ =]+");
            if (w.length == 0 || w[0].isEmpty()) continue;
            String kw = w[0].toUpperCase(Locale.ROOT);
            if (discard.contains(kw.toLowerCase(Locale.ROOT))) continue;
            switch (kw) {
                case "PIPELINING" -> pipelining = true;
                case "8BITMIME" -> eight = true;
                case "DSN" -> dsn = true;
                case "SMTPUTF8" -> utf8 = true;
                case "STARTTLS" -> tls = true;
                case "SIZE" -> {
                    if (w.length == 1) {
                        size = 0;
                    } else {
                        try {
                            size = Long.parseLong(w[1]);
                            if (size < 0) throw new NumberFormatException();
                        } catch (NumberFormatException e) {
                            warn.accept("bad EHLO SIZE limit \"" + w[1] + "\" from " + namaddr);
                            size = 0;
                        }
                    }
                }
                case "AUTH" -> {
                    for (int i = 1; i < w.length; i++) {
                        String m = w[i].toUpperCase(Locale.ROOT);
                        if (!auth.contains(m)) auth.add(m);
                    }
                }
                default -> { }
            }
        }
        if (utf8 && !eight) {
            warn.accept("host " + namaddr + " offers SMTPUTF8 support, but not 8BITMIME");
            eight = true;
        }
        return new Features(true, pipelining, size, eight, dsn, utf8, tls, List.copyOf(auth));
    }
}
