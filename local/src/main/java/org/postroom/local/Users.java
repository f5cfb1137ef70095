package org.postroom.local;

import java.util.Optional;
import org.postroom.util.Passwd;

/** The passwd lookups local needs; tests substitute a fixed table. */
interface Users {
    Optional<Passwd.Entry> byName(String name);

    Optional<Passwd.Entry> byUid(int uid);

    /** getpwnam()/getpwuid() over /etc/passwd. */
    Users SYSTEM = new Users() {
        @Override
        public Optional<Passwd.Entry> byName(String name) {
            return Passwd.byName(name);
        }

        @Override
        public Optional<Passwd.Entry> byUid(int uid) {
            return Passwd.byUid(uid);
        }
    };
}
