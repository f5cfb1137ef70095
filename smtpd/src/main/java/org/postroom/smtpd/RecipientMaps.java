package org.postroom.smtpd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;
import org.postroom.global.config.Params;
import org.postroom.global.proto.rewrite.ResolveReply;
import org.postroom.global.table.AddressLookup;
import org.postroom.global.table.LazyTable;
import org.postroom.global.table.Table;
import org.postroom.global.table.TableException;

/**
 * Recipient validation at RCPT (smtpd_check.c check_rcpt_maps): a recipient that matches
 * recipient_canonical_maps, canonical_maps or virtual_alias_maps is accepted; one that resolves to the
 * error transport (an unknown address in a virtual alias domain, or transport_maps "error:") is refused;
 * otherwise the table of its address class decides: local_recipient_maps for local domains (except
 * postmaster, mailer-daemon and double-bounce), virtual_mailbox_maps for virtual mailbox domains,
 * relay_recipient_maps for relay_domains. An empty table list accepts everything. A table that cannot
 * be read gives 451 4.3.0 Temporary lookup failure.
 */
final class RecipientMaps {
    /** Reply codes and settings. */
    record Codes(int local, int virtualAlias, int virtualMailbox, int relay, boolean showTable) {}

    private final List<Table> recipientCanonical;
    private final List<Table> canonical;
    private final List<Table> virtualAlias;
    private final List<Table> local;
    private final List<Table> virtualMailbox;
    private final List<Table> relay;
    private final Codes codes;
    private final String delimiters;
    private final String myorigin;
    private final String doubleBounce;

    RecipientMaps(MainCf cfg) {
        this.recipientCanonical = open(cfg, SmtpdParams.RECIPIENT_CANONICAL_MAPS);
        this.canonical = open(cfg, SmtpdParams.CANONICAL_MAPS);
        this.virtualAlias = open(cfg, Params.VIRTUAL_ALIAS_MAPS);
        this.local = open(cfg, Params.LOCAL_RECIPIENT_MAPS);
        this.virtualMailbox = open(cfg, Params.VIRTUAL_MAILBOX_MAPS);
        this.relay = open(cfg, SmtpdParams.RELAY_RECIPIENT_MAPS);
        this.codes = new Codes(cfg.get(Params.UNKNOWN_LOCAL_RECIPIENT_REJECT_CODE),
                SmtpdParams.get(cfg, SmtpdParams.UNKNOWN_VIRTUAL_ALIAS_REJECT_CODE),
                SmtpdParams.get(cfg, SmtpdParams.UNKNOWN_VIRTUAL_MAILBOX_REJECT_CODE),
                SmtpdParams.get(cfg, SmtpdParams.UNKNOWN_RELAY_RECIPIENT_REJECT_CODE),
                SmtpdParams.get(cfg, SmtpdParams.SHOW_USER_UNKNOWN_TABLE_NAME));
        this.delimiters = cfg.get(Params.RECIPIENT_DELIMITER);
        this.myorigin = cfg.get(Params.MYORIGIN).toLowerCase(Locale.ROOT);
        this.doubleBounce = cfg.get(Params.DOUBLE_BOUNCE_SENDER).toLowerCase(Locale.ROOT);
    }

    /** Opens the tables of a list parameter: proxy: is dropped, unix:passwd.byname is built in. */
    static List<Table> open(MainCf cfg, Param<List<String>> p) {
        List<Table> out = new ArrayList<>();
        for (String raw : cfg.get(p)) {
            boolean passwd = LazyTable.withoutProxy(raw).equalsIgnoreCase(PasswdTable.SPEC);
            out.add(passwd ? new PasswdTable() : new LazyTable(raw, false));
        }
        return out;
    }

    /** The refusal for an unknown recipient, or empty when it is known (or its class has no table). */
    Optional<SmtpReply> check(String recipient, ResolveReply reply, SessionLog log) {
        if (reply.failed()) return Optional.of(retry(recipient));
        String rcpt = reply.recipient();
        int at = rcpt.lastIndexOf('@');
        String domain = at < 0 ? "" : rcpt.substring(at + 1);
        boolean localClass = (reply.flags() & ResolveReply.CLASS_LOCAL) != 0;
        Predicate<String> ours = d -> d.equals(myorigin) || (localClass && d.equals(domain));
        try {
            if (match(recipientCanonical, rcpt, ours, log) || match(canonical, rcpt, ours, log)
                    || match(virtualAlias, rcpt, ours, log)) {
                return Optional.empty();
            }
            if (reply.transport().equals("error")) return Optional.of(errorTransport(recipient, reply));
            String localPart = at < 0 ? rcpt : rcpt.substring(0, at);
            if (localClass) {
                if (local.isEmpty() || localPart.equals(doubleBounce) || localPart.equals("postmaster")
                        || localPart.equals("mailer-daemon") || match(local, rcpt, ours, log)) {
                    return Optional.empty();
                }
                return Optional.of(unknown(codes.local(), recipient, "local recipient table"));
            }
            if ((reply.flags() & ResolveReply.CLASS_VIRTUAL) != 0 && !virtualMailbox.isEmpty()
                    && !match(virtualMailbox, rcpt, ours, log)) {
                return Optional.of(unknown(codes.virtualMailbox(), recipient, "virtual mailbox table"));
            }
            if ((reply.flags() & ResolveReply.CLASS_RELAY) != 0 && !relay.isEmpty() && !match(relay, rcpt, ours, log)) {
                return Optional.of(unknown(codes.relay(), recipient, "relay recipient table"));
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(retry(recipient));
        }
    }

    private boolean match(List<Table> tables, String rcpt, Predicate<String> ours, SessionLog log) throws IOException {
        List<Table> logged = new ArrayList<>(tables.size());
        for (Table t : tables) logged.add(new Table() {
            @Override
            public Optional<String> lookup(String key) throws TableException {
                try {
                    return t.lookup(key);
                } catch (TableException e) {
                    log.warn(t.spec() + ": table lookup problem"); // maps_find()'s warning
                    throw e;
                }
            }

            @Override
            public String spec() {
                return t.spec();
            }
        });
        return AddressLookup.find(logged, rcpt, delimiters, ours).isPresent();
    }

    private SmtpReply unknown(int code, String recipient, String table) {
        return reply(code, "5.1.1", "<" + recipient + ">: Recipient address rejected: User unknown"
                + (codes.showTable() ? " in " + table : ""));
    }

    /** "error:" next hop "5.1.1 text" (or just "text") becomes the reply text with that status. */
    private SmtpReply errorTransport(String recipient, ResolveReply reply) {
        String hop = reply.nexthop();
        String dsn = "5.1.1";
        String text = hop;
        if (hop.matches("^[245]\\.\\d{1,3}\\.\\d{1,3}( .*)?$")) {
            int sp = hop.indexOf(' ');
            dsn = sp < 0 ? hop : hop.substring(0, sp);
            text = sp < 0 ? "" : hop.substring(sp + 1);
        }
        int code = (reply.flags() & ResolveReply.CLASS_ALIAS) != 0 ? codes.virtualAlias() : 550;
        return reply(code, dsn, "<" + recipient + ">: Recipient address rejected: " + text);
    }

    static SmtpReply retry(String recipient) {
        return SmtpReply.of("451 4.3.0 <" + recipient + ">: Temporary lookup failure");
    }

    private static SmtpReply reply(int code, String dsn, String text) {
        String enhanced = (code >= 500 ? "5" : "4") + dsn.substring(1);
        return new SmtpReply(code, enhanced, text, code == 421 || code == 521);
    }
}
