package org.postroom.tools.sendmail;

/**
 * A reason to stop: printed as {@code sendmail: fatal: <text>}. As in Postfix, whose sendmail runs its
 * {@code tempfail} clean-up handler on every fatal error, the exit status is always 75 (EX_TEMPFAIL).
 */
final class Fatal extends Exception {
    Fatal(String text) {
        super(text);
    }
}
