package org.postroom.tools.postconf;

import java.util.ArrayList;
import java.util.List;
import org.postroom.global.config.ConfigException;
import org.postroom.global.table.Tables;

/**
 * postconf -m: the lookup table types this Postroom supports. Each type Postfix knows is offered to
 * global.table.Tables with a name that does not exist; a type it does not know is refused with
 * "unsupported dictionary type", anything else (a missing file, a syntax complaint) means it exists.
 */
final class MapTypes {
    private MapTypes() {}

    private static final List<String> CANDIDATES = List.of("btree", "cdb", "cidr", "environ", "fail", "hash", "inline",
            "internal", "ldap", "lmdb", "memcache", "mysql", "nis", "pcre", "pgsql", "pipemap", "proxy", "randmap",
            "regexp", "sdbm", "socketmap", "sqlite", "static", "tcp", "texthash", "unionmap", "unix");

    static List<String> supported() {
        List<String> out = new ArrayList<>();
        for (String t : CANDIDATES) {
            try {
                Tables.open(t + ":/nonexistent/postconf-probe");
                out.add(t);
            } catch (ConfigException e) {
                if (e.getMessage() == null || !e.getMessage().contains("unsupported dictionary type")) out.add(t);
            } catch (Exception e) {
                out.add(t);
            }
        }
        return out;
    }
}
