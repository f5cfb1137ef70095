package org.postroom.tools.postconf;

import java.util.StringJoiner;
import org.postroom.tools.common.Fatal;

/**
 * postconf's mode bits and their consistency rules (postconf.c pcf_incompat_options and
 * pcf_compat_options): one major mode; modifiers that exclude each other; modifiers each major mode
 * accepts. Messages name the options in this table's order, as Postfix's str_name_mask does.
 */
final class Mode {
    private Mode() {}

    static final int SHOW_SASL_SERV = 1 << 0, SHOW_SASL_CLNT = 1 << 1, EXP_DSN_TEMPL = 1 << 2, PARAM_CLASS = 1 << 3,
            SHOW_DEFS = 1 << 4, EDIT_CONF = 1 << 5, FOLD_LINE = 1 << 6, MASTER_FLD = 1 << 7, HIDE_NAME = 1 << 8,
            HIDE_VALUE = 1 << 9, SHOW_LOCKS = 1 << 10, SHOW_MAPS = 1 << 11, MASTER_ENTRY = 1 << 12, SHOW_NONDEF = 1 << 13,
            MAIN_OVER = 1 << 14, MAIN_PARAM = 1 << 15, MASTER_PARAM = 1 << 16, DUMP_DSN_TEMPL = 1 << 17, SHOW_TLS = 1 << 18,
            SHOW_EVAL = 1 << 19, EDIT_EXCL = 1 << 20, COMMENT_OUT = 1 << 21;

    /** Option letters in str_name_mask order. */
    private static final String[] NAMES = {"-a", "-A", "-b", "-C", "-d", "-e", "-f", "-F", "-h", "-H", "-l", "-m", "-M",
            "-n", "-o", "-p", "-P", "-t", "-T", "-x", "-X", "-#"};

    static final int MAJOR = SHOW_SASL_SERV | SHOW_SASL_CLNT | EXP_DSN_TEMPL | SHOW_LOCKS | SHOW_MAPS | DUMP_DSN_TEMPL
            | MAIN_PARAM | MASTER_ENTRY | MASTER_FLD | MASTER_PARAM | SHOW_TLS;
    static final int EDITS = EDIT_CONF | COMMENT_OUT | EDIT_EXCL;
    static final int MASTER_ANY = MASTER_ENTRY | MASTER_FLD | MASTER_PARAM;

    private static final int[] INCOMPAT = {
        MAJOR,
        SHOW_DEFS | EDIT_CONF | SHOW_NONDEF | COMMENT_OUT | EDIT_EXCL,
        FOLD_LINE | EDITS,
        SHOW_EVAL | EDITS,
        MAIN_OVER | SHOW_DEFS | EDITS,
        HIDE_NAME | EDITS | HIDE_VALUE,
    };

    private static final int[][] COMPAT = {
        {SHOW_SASL_SERV, 0}, {SHOW_SASL_CLNT, 0}, {EXP_DSN_TEMPL, 0}, {SHOW_LOCKS, 0}, {SHOW_MAPS, 0}, {SHOW_TLS, 0},
        {DUMP_DSN_TEMPL, 0},
        {MAIN_PARAM, EDITS | FOLD_LINE | HIDE_NAME | PARAM_CLASS | SHOW_EVAL | SHOW_DEFS | SHOW_NONDEF | MAIN_OVER | HIDE_VALUE},
        {MASTER_ENTRY, EDITS | FOLD_LINE | MAIN_OVER | SHOW_EVAL},
        {MASTER_FLD, EDIT_CONF | FOLD_LINE | HIDE_NAME | MAIN_OVER | SHOW_EVAL | HIDE_VALUE},
        {MASTER_PARAM, EDIT_CONF | EDIT_EXCL | FOLD_LINE | HIDE_NAME | MAIN_OVER | SHOW_EVAL | HIDE_VALUE},
        {PARAM_CLASS, MAIN_PARAM | SHOW_DEFS | SHOW_NONDEF},
    };

    static String names(int mask) {
        StringJoiner j = new StringJoiner(" ");
        for (int i = 0; i < NAMES.length; i++) if ((mask & (1 << i)) != 0) j.add(NAMES[i]);
        return j.toString();
    }

    /** pcf_check_exclusive_options, then pcf_check_compat_options. */
    static void check(int mode) {
        for (int group : INCOMPAT) {
            int set = group & mode;
            if (Integer.bitCount(set) > 1) throw new Fatal("specify one of " + names(set));
        }
        for (int[] c : COMPAT) {
            int excess = mode & ~(c[0] | c[1]);
            if ((mode & c[0]) != 0 && excess != 0) {
                throw new Fatal("with option " + names(c[0]) + ", do not specify " + names(excess));
            }
        }
    }
}
