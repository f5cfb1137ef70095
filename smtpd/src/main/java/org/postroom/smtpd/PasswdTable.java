package org.postroom.smtpd;

import java.util.Optional;
import org.postroom.global.table.Table;
import org.postroom.util.Passwd;

/** unix:passwd.byname (dict_unix.c): a user name gives its passwd line. Reads /etc/passwd only (no NSS). */
final class PasswdTable implements Table {
    static final String SPEC = "unix:passwd.byname";

    @Override
    public Optional<String> lookup(String key) {
        return Passwd.byName(key).map(e -> e.name() + ":*:" + e.uid() + ":" + e.gid() + ":" + e.gecos() + ":" + e.home() + ":" + e.shell());
    }

    @Override
    public String spec() {
        return SPEC;
    }
}
