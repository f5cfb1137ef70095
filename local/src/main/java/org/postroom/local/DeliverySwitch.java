package org.postroom.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postroom.global.log.Msg;
import org.postroom.global.mailbox.Errno;
import org.postroom.global.mailbox.Verdict;
import org.postroom.global.proto.rewrite.ResolveReply;
import org.postroom.local.Recipient.Source;
import org.postroom.util.Passwd;
import org.postroom.util.Printable;

/**
 * What happens to one recipient (local.c deliver_recipient/deliver_switch, alias.c, dotforward.c,
 * include.c, token.c, resolve.c, indirect.c): the forwarding-loop check, alias_maps with and without the
 * extension (an owner- alias makes owner-NAME@$myorigin the sender below it), resubmission of local
 * addresses below an owner or an :include: file, the user's .forward, then the mailbox, else unknown user.
 * Addresses in alias, include and .forward values are canonicalised and resolved: those for this agent
 * recurse, the others are forwarded as a new message. Every final result is reported to the
 * {@link Attempt}; the recipient's own status is the worst of them.
 */
final class DeliverySwitch {
    static final int MAX_LEVEL = 100;

    private final LocalConfig cfg;
    private final Users users;
    private final AliasMaps aliases;
    private final AddressResolver resolver;
    private final Destinations dest;

    DeliverySwitch(LocalConfig cfg, Users users, AliasMaps aliases, AddressResolver resolver, Destinations dest) {
        this.cfg = cfg;
        this.users = users;
        this.aliases = aliases;
        this.resolver = resolver;
        this.dest = dest;
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
        if (alias(at, r, a.local(), null)) return;
        if (a.extension() != null) {
            String unmatched = cfg.propagateExtensions().contains("alias") ? a.unmatched() : null;
            if (alias(at, r, a.user(), unmatched)) return;
        }
        if ((r.owner() != null && !r.owner().equalsIgnoreCase(a.user())) || r.source() == Source.INCLUDE) {
            indirect(at, r);
            return;
        }
        Optional<Passwd.Entry> pw = users.byName(a.user());
        if (pw.isEmpty()) {
            unknown(at, r, a);
        } else if (!dotForward(at, r, a, pw.get())) {
            dest.mailbox(at, r, a, pw.get());
        }
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
            rights = dest.defaultRights();
        } else {
            Optional<Passwd.Entry> owner = users.byUid(m.get().ownerUid());
            if (owner.isEmpty()) {
                Msg.warn("cannot find alias database owner for " + m.get().table());
                at.leaf(r.address(), Verdict.defer("4.3.0", "cannot find alias database owner"), null);
                return true;
            }
            rights = Rights.of(owner.get());
        }
        Recipient owned;
        try {
            owned = aliases.contains("owner-" + name) ? r.ownedBy("owner-" + name + "@" + cfg.myorigin()) : r.unowned();
        } catch (AliasMaps.Unavailable e) {
            at.leaf(r.address(), Verdict.defer("4.3.0", "alias database unavailable"), null);
            return true;
        }
        Recipient child = owned.expanding(name, rights, Source.ALIAS, unmatched);
        for (String value : m.get().values()) token(at, child, value);
        return true;
    }

    /** The user's .forward file; false when there is none (or it lists no destination). */
    private boolean dotForward(Attempt at, Recipient r, LocalAddress a, Passwd.Entry pw) throws IOException {
        if (cfg.forwardPath().isEmpty()) return false;
        DotForward.Found f = DotForward.find(cfg.forwardPath(), a, pw, r.address());
        if (f == null) return false;
        if (!at.firstTime("forward " + f.path())) return at.done("forward-done " + f.path());
        List<String> values = DotForward.read(f.path(), pw.uid());
        if (values == null || values.isEmpty()) return false;
        boolean propagate = !f.usedExtension() && cfg.propagateExtensions().contains("forward");
        Recipient child = r.forwardOf(a.local(), Rights.of(pw), propagate ? a.unmatched() : null);
        for (String value : values) token(at, child, value);
        at.firstTime("forward-done " + f.path());
        return true;
    }

    private void token(Attempt at, Recipient r, String value) throws IOException {
        switch (Destination.parse(value)) {
            case Destination.Forward f -> forward(at, r, f.address());
            case Destination.Self s -> {
                Optional<Passwd.Entry> pw = users.byName(s.user());
                LocalAddress a = LocalAddress.parse(s.user(), "");
                if (pw.isPresent()) dest.mailbox(at, r, a, pw.get());
                else unknown(at, r, a);
            }
            case Destination.Include i -> include(at, r.deeper(), i.path());
            case Destination.ToFile f -> {
                if (allowed(cfg.allowFiles(), r, at, "mail to file is restricted")) dest.file(at, r, f.path());
            }
            case Destination.ToMaildir d -> {
                if (allowed(cfg.allowFiles(), r, at, "mail to file is restricted")) dest.directory(at, r, d.path());
            }
            case Destination.ToCommand c -> {
                if (allowed(cfg.allowCommands(), r, at, "mail to command is restricted")) {
                    dest.command(at, r, LocalAddress.parse(r.address(), cfg.recipientDelimiter()), c.command(),
                            dest.unprivileged(r.rights()));
                }
            }
        }
    }

    /** An address from an alias, include or .forward file: recurse when it is ours, else forward it. */
    private void forward(Attempt at, Recipient r, String address) throws IOException {
        ResolveReply reply;
        try {
            reply = resolver.resolve(address);
        } catch (IOException e) {
            Msg.warn("address resolution failed for " + address + ": " + e.getMessage());
            at.leaf(r.address(), Verdict.defer("4.3.0", "address resolver failure"), null);
            return;
        }
        if (reply.failed()) {
            at.leaf(r.address(), Verdict.defer("4.3.0", "address resolver failure"), null);
            return;
        }
        String full = reply.recipient();
        if (r.unmatched() != null) full = LocalAddress.withExtension(full, r.unmatched());
        if (!reply.transport().equals(cfg.transportName())) {
            indirect(at, r.withAddress(full));
            return;
        }
        LocalAddress c = LocalAddress.parse(full, cfg.recipientDelimiter());
        boolean self = c.user().equals(r.expandedFrom()) || c.local().equals(r.expandedFrom());
        if (!self && r.source() == Source.ALIAS && (r.chain().contains(c.user()) || r.chain().contains(c.local()))) {
            loop(at, r.address(), r.expandedFrom());
            return;
        }
        recipient(at, r.withAddress(full));
    }

    /** deliver_indirect: hand the address to the forwarder (once per request). */
    private void indirect(Attempt at, Recipient r) {
        if (!at.firstTime("indirect " + r.address())) return;
        if (at.probe()) { // indirect.c: "Don't forward a trace-only request."
            at.leaf(r.address(), Verdict.sent("forwards to " + r.address()), null);
            return;
        }
        String orig = r.orig() != null ? r.orig() : at.originalRecipient();
        at.forward(r.delivered() != null ? r.delivered() : r.address(),
                r.sender() != null ? r.sender() : at.message().sender(), orig, r.address());
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
}
