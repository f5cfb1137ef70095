package org.postroom.global.table;

import java.util.function.Consumer;
import org.postroom.global.log.Msg;

/**
 * How a table is opened (Postfix dict_flags). Daemons use {@link #DEFAULT}; postmap and postalias change
 * it from their command line.
 *
 * @param fold     fold fixed-string keys to lower case (DICT_FLAG_FOLD_FIX; postmap -f turns it off)
 * @param utf8     smtputf8_enable: keys are folded as Unicode and source lines must be valid UTF-8;
 *                 otherwise only ASCII letters are folded
 * @param withNul  try keys with a terminating NUL (postmap -N; DICT_FLAG_TRY1NULL)
 * @param noNul    try keys without one (postmap -n; DICT_FLAG_TRY0NULL); both set means "try both"
 * @param dup      what a builder does with a second entry for a key
 * @param warn     where warnings go (Postfix msg_warn): the maillog for daemons, stderr for tools
 */
public record TableOptions(boolean fold, boolean utf8, boolean withNul, boolean noNul, Duplicates dup,
                           Consumer<String> warn) {

    /** DICT_FLAG_DUP_WARN / DUP_IGNORE / DUP_REPLACE. */
    public enum Duplicates { WARN, IGNORE, REPLACE }

    /** What daemons use: folding on, UTF-8 on, try both NUL forms, warn about duplicates into the log. */
    public static final TableOptions DEFAULT = new TableOptions(true, true, true, true, Duplicates.WARN, Msg::warn);

    public TableOptions withFold(boolean f) {
        return new TableOptions(f, utf8, withNul, noNul, dup, warn);
    }

    public TableOptions withUtf8(boolean u) {
        return new TableOptions(fold, u, withNul, noNul, dup, warn);
    }

    /** -N: only keys with a NUL; -n: only keys without. */
    public TableOptions withNul(boolean with, boolean without) {
        return new TableOptions(fold, utf8, with, without, dup, warn);
    }

    public TableOptions withDuplicates(Duplicates d) {
        return new TableOptions(fold, utf8, withNul, noNul, d, warn);
    }

    public TableOptions withWarn(Consumer<String> w) {
        return new TableOptions(fold, utf8, withNul, noNul, dup, w);
    }

    /** The key as this table stores and looks it up: folded when {@link #fold} is on. */
    public String foldKey(String key) {
        return fold ? KeyFold.fold(key, utf8) : key;
    }
}
