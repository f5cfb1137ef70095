package org.postroom.tools.common;

import java.util.List;
import java.util.function.Consumer;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;
import org.postroom.global.table.StringList;
import org.postroom.global.table.TableException;
import org.postroom.util.Passwd;

/**
 * Who may use a tool (Postfix's user_acl.c, check_user_acl_byuid): the real user's login name, or
 * "unknown" when the UID has no passwd entry, is matched against a user list such as
 * authorized_mailq_users. The default, static:anyone, admits everybody without a passwd lookup. A
 * list whose table cannot be read refuses, after a warning that says why.
 */
public final class UserAcl {
    private UserAcl() {}

    /**
     * The login name to name in the refusal, or null when {@code uid} is admitted by {@code param}.
     * A value that cannot be expanded throws ConfigException.
     */
    public static String refused(MainCf cfg, Param<List<String>> param, int uid, Consumer<String> warn) {
        List<String> acl = cfg.get(param);
        if (acl.equals(List.of("static:anyone"))) return null;
        String name = Passwd.byUid(uid).map(Passwd.Entry::name).orElse("unknown");
        try {
            return new StringList(param.name(), acl).matches(name) ? null : name;
        } catch (TableException | ConfigException e) {
            warn.accept(param.name() + ": " + e.getMessage());
            return name;
        }
    }
}
