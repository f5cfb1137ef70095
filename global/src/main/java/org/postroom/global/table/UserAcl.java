package org.postroom.global.table;

import java.util.List;
import java.util.function.Consumer;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;
import org.postroom.util.Passwd;

/**
 * Who may use a service or tool (Postfix's user_acl.c, check_user_acl_byuid): a login name is matched
 * against a user list such as authorized_mailq_users. The default, static:anyone, admits everybody without
 * a lookup. A list whose table cannot be read refuses, after a warning that says why. Postfix enforces
 * these lists in its set-gid programs; Postroom's tools are not set-gid, so the tools check them for a
 * friendly message and the services behind them (showq, flush, pickup) check them again against the
 * client's real identity.
 */
public final class UserAcl {
    private UserAcl() {}

    /**
     * The login name of {@code uid} ("unknown" without a passwd entry) when {@code param} refuses it, else
     * null. A value that cannot be expanded throws ConfigException.
     */
    public static String refused(MainCf cfg, Param<List<String>> param, int uid, Consumer<String> warn) {
        List<String> acl = cfg.get(param);
        if (anyone(acl)) return null;
        String name = Passwd.byUid(uid).map(Passwd.Entry::name).orElse("unknown");
        return admits(param, acl, name, warn) ? null : name;
    }

    /** Whether {@code param} (value {@code acl}) admits login name {@code name}. */
    public static boolean admits(Param<List<String>> param, List<String> acl, String name, Consumer<String> warn) {
        if (anyone(acl)) return true;
        try {
            return new StringList(param.name(), acl).matches(name);
        } catch (TableException | ConfigException e) {
            warn.accept(param.name() + ": " + e.getMessage());
            return false;
        }
    }

    /**
     * A queue service's check of its client (showq for authorized_mailq_users, flush for
     * authorized_flush_users): root and mail_owner always pass, as in postqueue.
     */
    public static boolean admitsClient(String name, String mailOwner, Param<List<String>> param, List<String> acl,
                                       Consumer<String> warn) {
        return name.equals("root") || name.equals(mailOwner) || admits(param, acl, name, warn);
    }

    /** The default value: everybody, with no lookup to make. */
    public static boolean anyone(List<String> acl) {
        return acl.equals(List.of("static:anyone"));
    }
}
