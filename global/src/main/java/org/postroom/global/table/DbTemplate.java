package org.postroom.global.table;

import java.util.function.UnaryOperator;
import org.postroom.global.config.ConfigException;

/**
 * A query or result_format template of the SQL tables (db_common.c): {@code %s} the key, {@code %u} its
 * local part (the whole key when there is no '@'), {@code %d} its domain, {@code %[1-9]} the domain's
 * labels counted from the right, {@code %S %U %D} the same for the original key in a result template,
 * {@code %%} a '%'. A key that lacks what the template needs (no domain for %d, an empty local part for %u,
 * too few labels) is not looked up at all.
 */
record DbTemplate(String format, boolean query, boolean needDomain, boolean needUser, boolean needKeyDomain,
                  boolean needKeyUser, int parts) {

    static DbTemplate parse(String format, boolean query, String mapName) {
        boolean d = false;
        boolean u = false;
        boolean kd = false;
        boolean ku = false;
        int parts = 0;
        for (int i = 0; i < format.length(); i++) {
            if (format.charAt(i) != '%') continue;
            if (++i >= format.length()) break;
            char c = format.charAt(i);
            switch (c) {
                case '%', 's', 'S' -> { }
                case 'u' -> u = true;
                case 'd' -> d = true;
                case 'U' -> ku = true;
                case 'D' -> kd = true;
                case '1', '2', '3', '4', '5', '6', '7', '8', '9' -> {
                    kd = true;
                    parts = Math.max(parts, c - '0');
                }
                default -> throw new ConfigException("db_common_parse: " + mapName + ": Invalid "
                        + (query ? "query" : "result") + " template '" + format + "'");
            }
        }
        if (query) {
            return new DbTemplate(format, true, d || kd, u || ku, false, false, parts);
        }
        return new DbTemplate(format, false, d, u, kd, ku, parts);
    }

    /** The domain of an address: after the last '@', or null. */
    private static String domainOf(String s) {
        int at = s.lastIndexOf('@');
        return at < 0 ? null : s.substring(at + 1);
    }

    /**
     * Expands the template for {@code value} (the key in a query, a result in a result template; then
     * {@code key} is the lookup key). Returns null when the value or key does not fit the template.
     */
    String expand(String value, String key, UnaryOperator<String> quote) {
        String vdomain = domainOf(value);
        if ((needDomain && (vdomain == null || vdomain.isEmpty())) || (needUser && vdomain != null && value.indexOf('@') == 0)) {
            return null;
        }
        String kdomain = key == null ? null : domainOf(key);
        if (key != null && ((needKeyDomain && (kdomain == null || kdomain.isEmpty()))
                || (needKeyUser && kdomain != null && key.indexOf('@') == 0))) {
            return null;
        }
        String[] labels = null;
        if (parts > 0) {
            String dom = key != null ? kdomain : vdomain;
            labels = dom == null ? new String[0] : dom.split("\\.", -1);
            if (labels.length < parts) return null;
            for (int i = 0; i < parts; i++) {
                if (labels[labels.length - i - 1].isEmpty()) return null;
            }
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 >= format.length()) {
                b.append(c);
                continue;
            }
            char t = format.charAt(++i);
            switch (t) {
                case '%' -> b.append('%');
                case 's' -> b.append(quote.apply(value));
                case 'u' -> b.append(quote.apply(vdomain != null ? value.substring(0, value.lastIndexOf('@')) : value));
                case 'd' -> b.append(quote.apply(vdomain));
                case 'S' -> b.append(quote.apply(key != null ? key : value));
                case 'U' -> {
                    String k = key != null ? key : value;
                    String kd = domainOf(k);
                    b.append(quote.apply(kd != null ? k.substring(0, k.lastIndexOf('@')) : k));
                }
                case 'D' -> b.append(quote.apply(key != null ? kdomain : vdomain));
                default -> b.append(quote.apply(labels[labels.length - (t - '0')]));
            }
        }
        return b.toString();
    }
}
