package org.postroom.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postroom.global.log.Msg;
import org.postroom.local.Recipient.Source;
import org.postroom.util.Passwd;
import org.postroom.util.Printable;

/**
 * What happens to one recipient (local.c deliver_recipient/deliver_switch, alias.c, include.c, token.c):
 * the forwarding-loop check, alias_maps with and without the extension, then the user's mailbox (or
 * mailbox_command), else unknown user. Alias values recurse for local addresses. Every final result is
 * reported to the {@link Attempt}; the recipient's own status is the worst of them.
 */
final class DeliverySwitch {
    static final int MAX_LEVEL = 100;

    private final LocalConfig cfg;
    private final Users users;
    private final AliasMaps aliases;
    private final Rights defaultRights;
    private final Mbox mbox;
    private final Maildir maildir;
    private final Pipe pipe;

    DeliverySwitch(LocalConfig cfg, Users users, AliasMaps aliases, Rights defaultRights, Mbox mbox, Maildir maildir,
                   Pipe pipe) {
        this.cfg = cfg;
        this.users = users;
        this.aliases = aliases;
        this.defaultRights = defaultRights;
        this.mbox = mbox;
        this.maildir = maildir;
        this.pipe = pipe;
    }

    /** Delivers to {@code address}; never throws: trouble becomes a deferral. */
    Verdict deliver(Attempt at, String address) {
        try {
            recipient(at, Recipient.top(address));
        } catch (IOException e) {
            at.leaf(address, Verdict.defer("4.3.0", Errno.text(e)), null);
        } catch (RuntimeException e) {
            at.leaf(address, Verdict.defer("4.3.0", Printable.sanitize(e.toString())), null);
        }
        return at.result();
    }

    private void recipient(Attempt at, Recipient r) throws IOException {
        r = r.deeper().delivering();
        if (at.message().deliveredTo().contains(r.address().toLowerCase(Locale.ROOT))) {
            at.leaf(r.address(), Verdict.bounce("5.4.6", "mail forwarding loop for " + r.address()), null);
            return;
        }
        LocalAddress a = LocalAddress.parse(r.address(), cfg.recipientDelimiter());
        if (a.user().isEmpty()) {
            at.leaf(r.address(), Verdict.bounce("5.1.3", "null username in \"" + r.address() + "\""), null);
            return;
        }
        if (a.extension() != null && alias(at, r, a.local(), null)) return;
        String unmatched = cfg.propagateExtensions().contains("alias") ? a.unmatched() : null;
        if (alias(at, r, a.user(), unmatched)) return;
        Optional<Passwd.Entry> pw = users.byName(a.user());
        if (pw.isPresent()) mailbox(at, r, a, pw.get());
        else unknown(at, r, a);
    }

    /** Expands alias {@code name} if there is one; false sends the recipient on to the passwd lookup. */
    private boolean alias(Attempt at, Recipient r, String name, String unmatched) throws IOException {
        if (name.equals(r.expandedFrom())) return false; // an alias that lists itself: deliver to the user
        Optional<AliasMaps.Match> m;
        try {
            m = aliases.find(name);
        } catch (AliasMaps.Unavailable e) {
            at.leaf(r.address(), Verdict.defer("4.3.0", "alias database unavailable"), null);
            return true;
        }
        if (m.isEmpty()) return false;
        if (r.level() > MAX_LEVEL) {
            loop(at, r.address(), name);
            return true;
        }
        Rights rights;
        if (m.get().ownerUid() == 0) {
            rights = defaultRights;
        } else {
            Optional<Passwd.Entry> owner = users.byUid(m.get().ownerUid());
            if (owner.isEmpty()) {
                Msg.warn("cannot find alias database owner for " + m.get().table());
                at.leaf(r.address(), Verdict.defer("4.3.0", "cannot find alias database owner"), null);
                return true;
            }
            rights = Rights.of(owner.get());
        }
        Recipient child = r.expanding(name, rights, unmatched);
        for (String value : m.get().values()) token(at, child, value);
        return true;
    }

    private void token(Attempt at, Recipient r, String value) throws IOException {
        switch (Destination.parse(value)) {
            case Destination.Forward f -> forward(at, r, f.address());
            case Destination.Self s -> {
                Optional<Passwd.Entry> pw = users.byName(s.user());
                LocalAddress a = LocalAddress.parse(s.user(), "");
                if (pw.isPresent()) mailbox(at, r, a, pw.get());
                else unknown(at, r, a);
            }
            case Destination.Include i -> include(at, r.deeper(), i.path());
            case Destination.ToFile f -> {
                if (allowed(cfg.allowFiles(), r, at, "mail to file is restricted")) file(at, r, f.path());
            }
            case Destination.ToMaildir d -> {
                if (allowed(cfg.allowFiles(), r, at, "mail to file is restricted")) directory(at, r, d.path());
            }
            case Destination.ToCommand c -> {
                if (allowed(cfg.allowCommands(), r, at, "mail to command is restricted")) {
                    command(at, r, LocalAddress.parse(r.address(), cfg.recipientDelimiter()), c.command(), unprivileged(r.rights()));
                }
            }
        }
    }

    /** An address from an alias or include file: recurse when it is local, else it must be forwarded. */
    private void forward(Attempt at, Recipient r, String address) throws IOException {
        String full = address.indexOf('@') < 0 ? address + "@" + cfg.myorigin() : address;
        if (r.unmatched() != null) full = LocalAddress.withExtension(full, r.unmatched());
        LocalAddress c = LocalAddress.parse(full, cfg.recipientDelimiter());
        if (!cfg.isLocalDomain(c.domain())) {
            at.leaf(r.address(), Verdict.defer("4.3.0", "mail forwarding not yet supported"), null);
            return;
        }
        boolean self = c.user().equals(r.expandedFrom()) || c.local().equals(r.expandedFrom());
        if (!self && (r.chain().contains(c.user()) || r.chain().contains(c.local()))) {
            loop(at, r.address(), r.expandedFrom());
            return;
        }
        recipient(at, r.withAddress(full));
    }

    private void include(Attempt at, Recipient r, Path path) throws IOException {
        if (r.level() > MAX_LEVEL) {
            loop(at, r.address(), r.expandedFrom());
            return;
        }
        String text;
        int owner;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
            owner = (Integer) Files.getAttribute(path, "unix:uid");
        } catch (IOException e) {
            at.leaf(r.address(), Verdict.defer("4.3.0", "cannot open include file " + path + ": " + Errno.text(e)), null);
            return;
        }
        Rights rights = r.rights();
        if (owner != 0) {
            Optional<Passwd.Entry> pw = users.byUid(owner);
            if (pw.isEmpty()) {
                at.leaf(r.address(), Verdict.defer("4.3.0", "cannot find :include: file owner for " + path), null);
                return;
            }
            rights = Rights.of(pw.get());
        }
        Recipient child = r.withRights(rights, Source.INCLUDE);
        for (String value : AliasFile.parseInclude(text)) token(at, child, value);
    }

    /** A user in passwd: mailbox_command, home_mailbox or the spool (mailbox.c). */
    private void mailbox(Attempt at, Recipient r, LocalAddress a, Passwd.Entry pw) {
        String key = "mailbox " + a.user();
        if (at.done(key)) return;
        Rights user = Rights.of(pw);
        if (!cfg.mailboxCommand().isEmpty()) {
            String cmd = LocalExpand.expand(cfg.mailboxCommand(), CommandEnvironment.macros(at, r.address(), a, user),
                    cfg.expansionFilter());
            command(at, r.withRights(user, Source.NONE), a, cmd, unprivileged(user));
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
        boolean isMaildir = cfg.homeMailbox().isEmpty() ? cfg.mailSpoolDirectory().endsWith("/") : cfg.homeMailbox().endsWith("/");
        Verdict v = isMaildir
                ? maildir.deliver(box, user, at.message(), at.originalRecipient(), delivered, at.now().toInstant())
                : mbox.deliver(box, user, at.message(), at.originalRecipient(), delivered, at.now(),
                        "cannot update mailbox " + box + " for user " + a.user() + ". ", "delivered to mailbox");
        at.leaf(r.address(), v, key);
    }

    private void file(Attempt at, Recipient r, Path path) throws IOException {
        String key = "file " + path;
        if (at.done(key)) return;
        Rights rights = unprivileged(r.rights());
        String failure = "cannot append message to file " + path + ": ";
        if (!at.privileges().mayWrite(path, rights)) {
            at.leaf(r.address(), Verdict.bounce("5.2.0", failure + "Permission denied"), null);
            return;
        }
        String delivered = cfg.prependDelivered().contains("file") ? r.delivered() : null;
        at.leaf(r.address(), mbox.deliver(path, rights, at.message(), at.originalRecipient(), delivered,
                at.now(), failure, "delivered to file: " + path), key);
    }

    private void directory(Attempt at, Recipient r, Path dir) throws IOException {
        String key = "maildir " + dir;
        if (at.done(key)) return;
        Rights rights = unprivileged(r.rights());
        if (!at.privileges().mayWrite(dir.resolve("tmp"), rights)) {
            at.leaf(r.address(), Verdict.bounce("5.2.0", "create maildir file " + dir.resolve("tmp") + ": Permission denied"), null);
            return;
        }
        String delivered = cfg.prependDelivered().contains("file") ? r.delivered() : null;
        at.leaf(r.address(), maildir.deliver(dir, rights, at.message(), at.originalRecipient(), delivered,
                at.now().toInstant()), key);
    }

    private void command(Attempt at, Recipient r, LocalAddress a, String command, Rights rights) {
        String key = "command " + rights.uid() + " " + command;
        if (at.done(key)) return;
        String delivered = cfg.prependDelivered().contains("command") ? r.delivered() : null;
        Map<String, String> env = CommandEnvironment.of(at, r.address(), a, r.rights(), cfg.expansionFilter());
        Verdict v = pipe.run(command, rights, env, at.message(),
                at.originalRecipient(), delivered, at.now());
        at.leaf(r.address(), v, key);
    }

    private void unknown(Attempt at, Recipient r, LocalAddress a) {
        if (a.user().equals("postmaster") || a.user().equals("mailer-daemon")) {
            Msg.warn("required alias not found: " + a.user());
            at.leaf(r.address(), Verdict.sent("discarded"), null);
            return;
        }
        at.leaf(r.address(), Verdict.bounce("5.1.1", "unknown user: \"" + a.user() + "\""), null);
    }

    private void loop(Attempt at, String address, String name) {
        Msg.warn("alias database loop for " + name);
        at.leaf(address, Verdict.bounce("5.4.6", "alias database loop for " + name), null);
    }

    private boolean allowed(Set<String> allow, Recipient r, Attempt at, String refusal) {
        String k = r.source().keyword();
        if (k == null || allow.contains(k)) return true;
        at.leaf(r.address(), Verdict.bounce("5.7.1", refusal), null);
        return false;
    }

    /** Commands and files never run as root: default_privs instead. */
    private Rights unprivileged(Rights r) {
        return r == null || r.isRoot() ? defaultRights : r;
    }
}
