package org.postroom.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.postroom.global.mailbox.Maildir;
import org.postroom.global.mailbox.Mbox;
import org.postroom.global.mailbox.Message;
import org.postroom.global.mailbox.Verdict;
import org.postroom.local.Recipient.Source;
import org.postroom.util.Passwd;

/**
 * The final destinations of local(8) (mailbox.c, file.c, command.c): the user's mailbox (or
 * mailbox_command), an mbox file, a maildir and a command. Each reports its result to the
 * {@link Attempt}; a destination already delivered for this request is skipped.
 */
final class Destinations {
    private final LocalConfig cfg;
    private final Rights defaultRights;
    private final Mbox mbox;
    private final Maildir maildir;
    private final Pipe pipe;

    Destinations(LocalConfig cfg, Rights defaultRights, Mbox mbox, Maildir maildir, Pipe pipe) {
        this.cfg = cfg;
        this.defaultRights = defaultRights;
        this.mbox = mbox;
        this.maildir = maildir;
        this.pipe = pipe;
    }

    /** The message as this recipient's deliveries see it (an owner- alias changes the sender). */
    private static Message message(Attempt at, Recipient r) {
        return at.message().withSender(r.sender());
    }

    /** A user in passwd: mailbox_command, home_mailbox or the spool. */
    void mailbox(Attempt at, Recipient r, LocalAddress a, Passwd.Entry pw) {
        String key = "mailbox " + a.user();
        if (at.done(key)) return;
        Rights user = Rights.of(pw);
        if (!cfg.mailboxCommand().isEmpty()) {
            String cmd = LocalExpand.expand(cfg.mailboxCommand(), CommandEnvironment.macros(at, r.address(), a, user),
                    cfg.expansionFilter());
            command(at, r.withRights(user, Source.NONE), a, cmd, unprivileged(user));
            return;
        }
        boolean isMaildir = cfg.homeMailbox().isEmpty() ? cfg.mailSpoolDirectory().endsWith("/") : cfg.homeMailbox().endsWith("/");
        if (at.probe()) { // mailbox.c, maildir.c: "Don't deliver trace-only requests."
            at.leaf(r.address(), Verdict.sent(isMaildir ? "delivers to maildir" : "delivers to mailbox"), key);
            return;
        }
        String delivered = cfg.prependDelivered().contains("file") ? r.delivered() : null;
        Path box;
        if (!cfg.homeMailbox().isEmpty()) {
            if (!Files.isDirectory(Path.of(pw.home()))) {
                at.leaf(r.address(), Verdict.defer("4.3.0", "cannot access home directory " + pw.home()
                        + ": No such file or directory"), null);
                return;
            }
            box = Path.of(pw.home()).resolve(cfg.homeMailbox());
        } else {
            box = Path.of(cfg.mailSpoolDirectory()).resolve(a.user());
        }
        Message msg = message(at, r);
        Verdict v = isMaildir
                ? maildir.deliver(box, user.owner(), msg, at.originalRecipient(), delivered, at.now().toInstant())
                : mbox.deliver(box, user.owner(), msg, at.originalRecipient(), delivered, at.now(),
                        "cannot update mailbox " + box + " for user " + a.user() + ". ", "delivered to mailbox");
        at.leaf(r.address(), v, key);
    }

    void file(Attempt at, Recipient r, Path path) throws IOException {
        String key = "file " + path;
        if (at.done(key)) return;
        if (at.probe()) {
            at.leaf(r.address(), Verdict.sent("delivers to file: " + path), key);
            return;
        }
        Rights rights = unprivileged(r.rights());
        String failure = "cannot append message to file " + path + ": ";
        if (!at.privileges().mayWrite(path, rights)) {
            at.leaf(r.address(), Verdict.bounce("5.2.0", failure + "Permission denied"), null);
            return;
        }
        String delivered = cfg.prependDelivered().contains("file") ? r.delivered() : null;
        at.leaf(r.address(), mbox.deliver(path, rights.owner(), message(at, r), at.originalRecipient(), delivered,
                at.now(), failure, "delivered to file: " + path), key);
    }

    void directory(Attempt at, Recipient r, Path dir) throws IOException {
        String key = "maildir " + dir;
        if (at.done(key)) return;
        if (at.probe()) {
            at.leaf(r.address(), Verdict.sent("delivers to maildir"), key);
            return;
        }
        Rights rights = unprivileged(r.rights());
        if (!at.privileges().mayWrite(dir.resolve("tmp"), rights)) {
            Path tmp = maildir.tmpFile(dir, at.now().toInstant());
            at.leaf(r.address(), Verdict.bounce("5.2.0", Maildir.FAILED + "create maildir file " + tmp + ": Permission denied"), null);
            return;
        }
        String delivered = cfg.prependDelivered().contains("file") ? r.delivered() : null;
        at.leaf(r.address(), maildir.deliver(dir, rights.owner(), message(at, r), at.originalRecipient(), delivered,
                at.now().toInstant()), key);
    }

    void command(Attempt at, Recipient r, LocalAddress a, String command, Rights rights) {
        String key = "command " + rights.uid() + " " + command;
        if (at.done(key)) return;
        if (at.probe()) {
            at.leaf(r.address(), Verdict.sent("delivers to command: " + command), key);
            return;
        }
        String delivered = cfg.prependDelivered().contains("command") ? r.delivered() : null;
        Map<String, String> env = CommandEnvironment.of(at, r.address(), a, r.rights(), cfg.expansionFilter());
        Verdict v = pipe.run(command, rights, env, message(at, r), at.originalRecipient(), delivered, at.now());
        at.leaf(r.address(), v, key);
    }

    /** Commands and files never run as root: default_privs instead. */
    Rights unprivileged(Rights r) {
        return r == null || r.isRoot() ? defaultRights : r;
    }

    Rights defaultRights() {
        return defaultRights;
    }
}
