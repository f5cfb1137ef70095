package org.postroom.local;

import org.postroom.global.mailbox.Owner;
import org.postroom.util.Passwd;

/**
 * Whose rights a delivery uses (USER_ATTR): uid, gid and, when the rights belong to a real user, that
 * user's login name, home directory and shell. Rights taken from a root-owned alias table carry no home
 * or shell, as in Postfix.
 */
record Rights(int uid, int gid, String name, String home, String shell) {

    static Rights of(Passwd.Entry e) {
        return new Rights(e.uid(), e.gid(), e.name(), e.home(), e.shell());
    }

    /** The default_privs account with the user attributes reset. */
    static Rights defaults(Passwd.Entry e) {
        return new Rights(e.uid(), e.gid(), e.name(), null, null);
    }

    /** The uid and gid that files created for these rights are given. */
    Owner owner() {
        return new Owner(uid, gid);
    }

    boolean isRoot() {
        return uid == 0;
    }
}
