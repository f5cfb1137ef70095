package org.postroom.global.table;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;
import org.postroom.util.Passwd;

/**
 * Who may use a service or tool (Postfix's user_acl.c, check_user_acl_byuid): a login name is matched
 * against a user list such as authorized_mailq_users. The default, static:anyone, admits everybody without
 * a lookup. Postfix enforces these lists in its set-gid programs; Postroom's tools are not set-gid, so the
 * tools check them for a friendly message and the services behind them (showq, flush, pickup) check them
 * again against the client's real identity, with a list they make once.
 */
public final class UserAcl {
    private final String param;
    /** Null for static:anyone, or when the list is unusable. */
    private final StringList list;
    /** Why the list is unusable (a /file that cannot be read), or null. */
    private final ConfigException broken;

    private UserAcl(String param, StringList list, ConfigException broken) {
        this.param = param;
        this.list = list;
        this.broken = broken;
    }

    /** The list {@code param} with value {@code acl}; a /file that cannot be read throws ConfigException. */
    public static UserAcl strict(Param<List<String>> param, List<String> acl) {
        return new UserAcl(param.name(), anyone(acl) ? null : new StringList(param.name(), acl), null);
    }

    /** The same, but a list that cannot be read refuses every name (after a warning) instead of throwing. */
    public static UserAcl lenient(MainCf cfg, Param<List<String>> param) {
        List<String> acl = cfg.get(param);
        try {
            return strict(param, acl);
        } catch (ConfigException e) {
            return new UserAcl(param.name(), null, e);
        }
    }

    private static boolean anyone(List<String> acl) {
        return acl.equals(List.of("static:anyone"));
    }

    /** Whether everybody is admitted (static:anyone), so that no name need be looked up. */
    public boolean anyone() {
        return list == null && broken == null;
    }

    /** Whether {@code name} is listed; a list or table that cannot be read throws. */
    public boolean matches(String name) throws TableException {
        if (broken != null) throw new TableException(broken.getMessage(), broken);
        return list == null || list.matches(name);
    }

    /** Whether {@code name} is admitted; a list that cannot be read refuses, after a warning that says why. */
    public boolean admits(String name, Consumer<String> warn) {
        try {
            return matches(name);
        } catch (TableException e) {
            warn.accept(param + ": " + e.getMessage());
            return false;
        }
    }

    /**
     * A queue service's check of its client (showq for authorized_mailq_users, flush for
     * authorized_flush_users): root and mail_owner always pass, as in postqueue; a client the kernel does
     * not name is not checked.
     */
    public boolean admitsClient(Optional<String> user, String mailOwner, Consumer<String> warn) {
        if (user.isEmpty() || anyone()) return true;
        String name = user.get();
        return name.equals("root") || name.equals(mailOwner) || admits(name, warn);
    }

    /** The login name of {@code uid} ("unknown" without a passwd entry) when this list refuses it, else null. */
    public String refused(int uid, Consumer<String> warn) {
        if (anyone()) return null;
        String name = Passwd.byUid(uid).map(Passwd.Entry::name).orElse("unknown");
        return admits(name, warn) ? null : name;
    }
}
