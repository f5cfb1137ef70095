package org.postroom.local;

import java.nio.file.Path;
import java.util.Locale;

/** One destination from an alias value or an :include: file (aliases(5)). */
sealed interface Destination {

    /** An address to deliver to (recursively when local). */
    record Forward(String address) implements Destination {}

    /** A backslash and a user name: the user's mailbox, without alias expansion. */
    record Self(String user) implements Destination {}

    /** {@code /file/name}: append in mbox format. */
    record ToFile(Path path) implements Destination {}

    /** {@code /dir/name/}: Maildir. */
    record ToMaildir(Path path) implements Destination {}

    /** {@code |command}. */
    record ToCommand(String command) implements Destination {}

    /** {@code :include:/file}: more destinations from a file. */
    record Include(Path path) implements Destination {}

    /** Classifies one already-unquoted list element. */
    static Destination parse(String token) {
        if (token.startsWith("\\")) return new Self(token.substring(1).toLowerCase(Locale.ROOT));
        if (token.regionMatches(true, 0, ":include:", 0, 9)) return new Include(Path.of(token.substring(9).strip()));
        if (token.startsWith("/")) return token.endsWith("/") ? new ToMaildir(Path.of(token)) : new ToFile(Path.of(token));
        if (token.startsWith("|")) return new ToCommand(token.substring(1).strip());
        return new Forward(token);
    }
}
