package org.postroom.smtpd;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postroom.global.mail.MailError;

/**
 * The access restriction engine (smtpd_check.c), with smtpd_delay_reject=yes semantics: at RCPT (and
 * VRFY) the client, helo, sender, relay and recipient lists are evaluated in that order. Within a list
 * the first restriction that decides ends the list: permit goes on with the next list, reject/defer
 * refuses the command. A list of restrictions that can never refuse relaying is a configuration error.
 */
final class Restrictions {
    /** Reply codes of the configurable rejections. */
    record Codes(int reject, int defer, int relayReject, int nonFqdn, int invalidHostname) {}

    /** What is known when a recipient is checked; helo and sender are empty when not given. */
    record Query(ClientInfo client, Optional<String> helo, Optional<String> sender, String recipient, Sasl sasl) {
        Query(ClientInfo client, Optional<String> helo, Optional<String> sender, String recipient) {
            this(client, helo, sender, recipient, Sasl.NONE);
        }
    }

    /** The session's SASL state for the restrictions: whether AUTH is on here, the login, and the sender owners. */
    record Sasl(boolean enabled, String username, Owners owners) {
        static final Sasl NONE = new Sasl(false, null, s -> null);
    }

    /** smtpd_sender_login_maps: the logins that own a sender, or null when the sender is not listed. */
    @FunctionalInterface
    interface Owners {
        List<String> of(String sender) throws org.postroom.global.table.TableException;
    }

    /**
     * A refused recipient: the reply and its error class for postmaster notices (smtpd_check_reject()'s
     * class: policy for access decisions, bounce for unknown users, data for a failed table lookup,
     * software for a configuration error).
     */
    record Refusal(SmtpReply reply, int errorClass) {
        Refusal softened() {
            return new Refusal(reply.softened(), errorClass);
        }
    }

    /** The result of one restriction. */
    private sealed interface Outcome {
        record Permit() implements Outcome {}

        record Dunno() implements Outcome {}

        record Refuse(Refusal refusal) implements Outcome {}
    }

    private static final Outcome PERMIT = new Outcome.Permit();
    private static final Outcome DUNNO = new Outcome.Dunno();

    private static final Set<String> BLOCKING = Set.of("reject", "defer", "defer_if_permit",
            "reject_unauth_destination", "defer_unauth_destination");
    static final SmtpReply SERVER_ERROR = SmtpReply.of("451 4.3.5 Server configuration error");

    private final List<String> client;
    private final List<String> helo;
    private final List<String> sender;
    private final List<String> relay;
    private final List<String> recipient;
    private final NetworkList mynetworks;
    private final Codes codes;
    private final boolean softBounce;
    private final boolean failSafe;
    private final Optional<RecipientMaps> unlisted;
    private final boolean rejectUnlisted;

    Restrictions(List<String> client, List<String> helo, List<String> sender, List<String> relay,
                 List<String> recipient, NetworkList mynetworks, Codes codes, boolean softBounce,
                 Optional<RecipientMaps> unlisted, boolean rejectUnlisted) {
        this.unlisted = unlisted;
        this.rejectUnlisted = rejectUnlisted;
        this.client = lower(client);
        this.helo = lower(helo);
        this.sender = lower(sender);
        this.relay = lower(relay);
        this.recipient = lower(recipient);
        this.mynetworks = mynetworks;
        this.codes = codes;
        this.softBounce = softBounce;
        this.failSafe = this.relay.stream().anyMatch(BLOCKING::contains) || this.recipient.stream().anyMatch(BLOCKING::contains);
    }

    private static List<String> lower(List<String> l) {
        return l.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    /** Whether the relay or recipient list can refuse relaying (otherwise every recipient is refused). */
    boolean failSafe() {
        return failSafe;
    }

    /** Checks a recipient; the reply when it is refused (soft_bounce already applied). */
    Optional<Refusal> checkRecipient(Query q, RelayPolicy policy, SessionLog log) {
        boolean[] mapsChecked = {false};
        Optional<Refusal> r = list(client, q, policy, log, "Client host", q.client().namaddr(), mapsChecked);
        if (r.isEmpty() && q.helo().isPresent()) r = list(helo, q, policy, log, "Helo command", q.helo().get(), mapsChecked);
        if (r.isEmpty() && q.sender().isPresent()) r = list(sender, q, policy, log, "Sender address", q.sender().get(), mapsChecked);
        if (r.isEmpty()) r = list(relay, q, policy, log, "Recipient address", q.recipient(), mapsChecked);
        if (r.isEmpty()) r = list(recipient, q, policy, log, "Recipient address", q.recipient(), mapsChecked);
        if (r.isEmpty() && !failSafe) {
            log.warn("neither smtpd_relay_restrictions nor smtpd_recipient_restrictions contains reject, defer,"
                    + " defer_if_permit, reject_unauth_destination or defer_unauth_destination: refusing all mail");
            r = Optional.of(serverError());
        }
        if (r.isEmpty() && rejectUnlisted && !mapsChecked[0]) r = unlisted(q, policy, log);
        return softBounce ? r.map(Refusal::softened) : r;
    }

    private static Refusal serverError() {
        return new Refusal(SERVER_ERROR, MailError.SOFTWARE);
    }

    /** reject_dict_retry(): a table or address lookup that failed. */
    private static Refusal lookupFailure(String address) {
        return new Refusal(SmtpReply.of("451 4.3.0 <" + address + ">: Temporary lookup failure"), MailError.DATA);
    }

    /** smtpd_reject_unlisted_recipient / reject_unlisted_recipient: the recipient tables of its class. */
    private Optional<Refusal> unlisted(Query q, RelayPolicy policy, SessionLog log) {
        if (unlisted.isEmpty()) return Optional.empty();
        try {
            // an unknown user or an error: transport is a bounce (check_rcpt_maps), a failed lookup a data error
            return unlisted.get().check(q.recipient(), policy.resolve(q.sender().orElse(""), q.recipient()), log)
                    .map(r -> new Refusal(r, r.code() == 451 ? MailError.DATA : MailError.BOUNCE));
        } catch (IOException e) {
            log.warn("recipient address resolution failed for " + q.recipient() + ": " + e.getMessage());
            return Optional.of(lookupFailure(q.recipient()));
        }
    }

    private Optional<Refusal> list(List<String> names, Query q, RelayPolicy policy, SessionLog log, String what, String who,
                                     boolean[] mapsChecked) {
        for (String name : names) {
            if (name.equals("reject_unlisted_recipient") || name.equals("check_recipient_maps")) {
                if (mapsChecked[0]) continue;
                mapsChecked[0] = true;
                Optional<Refusal> r = unlisted(q, policy, log);
                if (r.isPresent()) return r;
                continue;
            }
            try {
                switch (one(name, q, policy, log, what, who)) {
                    case Outcome.Refuse(Refusal refusal) -> {
                        return Optional.of(refusal);
                    }
                    case Outcome.Permit p -> {
                        return Optional.empty();
                    }
                    case Outcome.Dunno d -> { }
                }
            } catch (IOException e) {
                log.warn("recipient address resolution failed for " + q.recipient() + ": " + e.getMessage());
                return Optional.of(lookupFailure(q.recipient()));
            }
        }
        return Optional.empty();
    }

    private Outcome one(String name, Query q, RelayPolicy policy, SessionLog log, String what, String who) throws IOException {
        return switch (name) {
            case "permit" -> PERMIT;
            case "reject" -> reply(codes.reject(), "5.7.1", "<" + who + ">: " + what + " rejected: Access denied");
            case "defer" -> reply(codes.defer(), "4.3.2", "<" + who + ">: " + what + " rejected: Try again later");
            case "permit_mynetworks" -> mynetworks.matches(q.client().inet(), q.client().name()) ? PERMIT : DUNNO;
            case "permit_sasl_authenticated" -> q.sasl().username() != null ? PERMIT : DUNNO;
            case "reject_sender_login_mismatch", "reject_authenticated_sender_login_mismatch",
                 "reject_known_sender_login_mismatch", "reject_unauthenticated_sender_login_mismatch" -> loginMismatch(name, q, log);
            case "permit_auth_destination" -> ours(q, policy) ? PERMIT : DUNNO;
            case "reject_unauth_destination" -> ours(q, policy) ? DUNNO
                    : reply(codes.relayReject(), "5.7.1", "<" + q.recipient() + ">: Relay access denied");
            case "defer_unauth_destination" -> ours(q, policy) ? DUNNO
                    : reply(454, "4.7.1", "<" + q.recipient() + ">: Relay access denied");
            case "reject_non_fqdn_recipient" -> fqdnAddress(q.recipient()) ? DUNNO
                    : reply(codes.nonFqdn(), "5.5.2", "<" + q.recipient() + ">: Recipient address rejected: need fully-qualified address");
            case "reject_non_fqdn_sender" -> q.sender().map(s -> s.isEmpty() || fqdnAddress(s)).orElse(true) ? DUNNO
                    : reply(codes.nonFqdn(), "5.5.2", "<" + q.sender().get() + ">: Sender address rejected: need fully-qualified address");
            case "reject_non_fqdn_helo_hostname", "reject_non_fqdn_hostname" -> q.helo().map(Restrictions::fqdnHelo).orElse(true) ? DUNNO
                    : reply(codes.nonFqdn(), "5.5.2", "<" + q.helo().get() + ">: Helo command rejected: need fully-qualified hostname");
            case "reject_invalid_helo_hostname", "reject_invalid_hostname" -> q.helo().map(Restrictions::validHelo).orElse(true) ? DUNNO
                    : reply(codes.invalidHostname(), "5.5.2", "<" + q.helo().get() + ">: Helo command rejected: Invalid name");
            default -> {
                log.warn("unknown smtpd restriction: \"" + name + "\"");
                yield new Outcome.Refuse(serverError());
            }
        };
    }

    /**
     * The sender login checks (smtpd_check.c reject_*_sender_login_mismatch): an authenticated client
     * must own the sender (or, for "known", only a listed sender), an unauthenticated one must not use
     * a sender that has an owner. The null sender is never checked.
     */
    private Outcome loginMismatch(String name, Query q, SessionLog log) throws IOException {
        if (!q.sasl().enabled()) {
            log.warn("restriction '" + name + "' ignored: no SASL support");
            return DUNNO;
        }
        String sender = q.sender().orElse("");
        if (sender.isEmpty()) return DUNNO;
        List<String> owners;
        try {
            owners = q.sasl().owners().of(sender);
        } catch (org.postroom.global.table.TableException e) {
            log.warn("smtpd_sender_login_maps lookup for " + sender + ": " + e.getMessage());
            return new Outcome.Refuse(lookupFailure(sender));
        }
        String user = q.sasl().username();
        boolean authenticatedCheck = !name.equals("reject_unauthenticated_sender_login_mismatch");
        boolean unauthenticatedCheck = !name.equals("reject_authenticated_sender_login_mismatch");
        if (user != null && authenticatedCheck) {
            boolean owned = owners != null && owners.stream().anyMatch(o -> o.equalsIgnoreCase(user));
            boolean listedOnly = name.equals("reject_known_sender_login_mismatch");
            if (!owned && !(listedOnly && owners == null)) {
                return reply(553, "5.7.1", "<" + sender + ">: Sender address rejected: not owned by user " + user);
            }
        } else if (user == null && unauthenticatedCheck && owners != null) {
            return reply(553, "5.7.1", "<" + sender + ">: Sender address rejected: not logged in");
        }
        return DUNNO;
    }

    private static boolean ours(Query q, RelayPolicy policy) throws IOException {
        return policy.isOurDestination(q.sender().orElse(""), q.recipient());
    }

    private static Outcome reply(int code, String dsn, String text) {
        String enhanced = (code >= 500 ? "5" : "4") + dsn.substring(1);
        return new Outcome.Refuse(new Refusal(new SmtpReply(code, enhanced, text, code == 421 || code == 521), MailError.POLICY));
    }

    /** user@domain with a dotted domain or an address literal. */
    static boolean fqdnAddress(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) return false;
        String domain = address.substring(at + 1);
        if (domain.startsWith("[") && domain.endsWith("]")) return true;
        if (domain.endsWith(".")) domain = domain.substring(0, domain.length() - 1);
        return domain.indexOf('.') > 0 && Hostnames.valid(domain);
    }

    static boolean fqdnHelo(String helo) {
        if (helo.startsWith("[") && helo.endsWith("]")) return true;
        String h = helo.endsWith(".") ? helo.substring(0, helo.length() - 1) : helo;
        return h.indexOf('.') > 0 && Hostnames.valid(h);
    }

    static boolean validHelo(String helo) {
        if (helo.startsWith("[") && helo.endsWith("]")) return Hostnames.validLiteral(helo.substring(1, helo.length() - 1));
        return Hostnames.valid(helo.endsWith(".") ? helo.substring(0, helo.length() - 1) : helo);
    }
}
