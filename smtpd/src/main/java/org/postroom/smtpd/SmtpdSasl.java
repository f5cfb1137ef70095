package org.postroom.smtpd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.table.Table;
import org.postroom.global.table.TableException;

/**
 * smtpd's SASL settings (smtpd_sasl_glue.c), read once: whether AUTH is offered, which implementation
 * (dovecot, or builtin with smtpd_sasl_user_maps; Postfix's default cyrus does not exist here and is
 * refused at start-up with a pointer to the others), the security options, and what success adds to
 * the Received: header and the sender checks. {@link #open} makes one backend per SMTP session.
 */
final class SmtpdSasl {
    private final boolean enabled;
    private final String type;
    private final String path;
    private final Path queueDirectory;
    private final String service;
    private final Set<String> plainOptions;
    private final Set<String> tlsOptions;
    private final boolean brokenClients;
    private final boolean authenticatedHeader;
    private final int responseLimit;
    private final List<Table> users;
    private final List<Table> senderLogins;
    private final String recipientDelimiter;
    private final Set<String> builtinMechanisms;

    private SmtpdSasl(boolean enabled, String type, String path, Path queueDirectory, String service, Set<String> plainOptions,
                      Set<String> tlsOptions, boolean brokenClients, boolean authenticatedHeader, int responseLimit,
                      List<Table> users, List<Table> senderLogins, String recipientDelimiter, Set<String> builtinMechanisms) {
        this.enabled = enabled;
        this.type = type;
        this.path = path;
        this.queueDirectory = queueDirectory;
        this.service = service;
        this.plainOptions = plainOptions;
        this.tlsOptions = tlsOptions;
        this.brokenClients = brokenClients;
        this.authenticatedHeader = authenticatedHeader;
        this.responseLimit = responseLimit;
        this.users = users;
        this.senderLogins = senderLogins;
        this.recipientDelimiter = recipientDelimiter;
        this.builtinMechanisms = builtinMechanisms;
    }

    static final SmtpdSasl OFF = new SmtpdSasl(false, "", "", Path.of("/"), "smtp", Set.of(), Set.of(), false, false, 12288,
            List.of(), List.of(), "", Set.of());

    static SmtpdSasl from(MainCf cfg, Path queueDirectory) {
        List<Table> logins = tables(cfg, Params.SMTPD_SENDER_LOGIN_MAPS.name(), cfg.get(Params.SMTPD_SENDER_LOGIN_MAPS));
        boolean on = cfg.get(Params.SMTPD_SASL_AUTH_ENABLE);
        String type = cfg.get(Params.SMTPD_SASL_TYPE).strip().toLowerCase(Locale.ROOT);
        List<Table> users = List.of();
        if (on) {
            switch (type) {
                case "dovecot" -> { }
                case "builtin" -> {
                    users = tables(cfg, Params.SMTPD_SASL_USER_MAPS.name(), cfg.get(Params.SMTPD_SASL_USER_MAPS));
                    for (String m : cfg.get(Params.SMTPD_SASL_BUILTIN_MECHANISMS)) {
                        if (!BuiltinSasl.MECHANISMS.contains(m.toUpperCase(Locale.ROOT))) {
                            throw new ConfigException(cfg.where(Params.SMTPD_SASL_BUILTIN_MECHANISMS.name()) + ": unknown mechanism: " + m
                                    + " (builtin has " + String.join(", ", BuiltinSasl.MECHANISMS) + ")");
                        }
                    }
                    if (users.isEmpty()) {
                        throw new ConfigException(cfg.where(Params.SMTPD_SASL_USER_MAPS.name())
                                + ": smtpd_sasl_type = builtin needs smtpd_sasl_user_maps (postpasswd(1) fills one)");
                    }
                }
                default -> throw new ConfigException(cfg.where(Params.SMTPD_SASL_TYPE.name()) + ": unsupported SASL server implementation: "
                        + type + " (Postroom has dovecot and builtin)");
            }
        }
        return new SmtpdSasl(on, type, cfg.get(Params.SMTPD_SASL_PATH).strip(), queueDirectory, cfg.get(Params.SMTPD_SASL_SERVICE),
                lower(cfg.get(Params.SMTPD_SASL_SECURITY_OPTIONS)), lower(cfg.get(Params.SMTPD_SASL_TLS_SECURITY_OPTIONS)),
                cfg.get(Params.BROKEN_SASL_AUTH_CLIENTS), cfg.get(Params.SMTPD_SASL_AUTHENTICATED_HEADER),
                cfg.get(Params.SMTPD_SASL_RESPONSE_LIMIT), users, logins, cfg.get(Params.RECIPIENT_DELIMITER),
                cfg.get(Params.SMTPD_SASL_BUILTIN_MECHANISMS).stream().map(m -> m.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet()));
    }

    /**
     * The tables as a daemon holds them (dict_surrogate, dict_changed_name): reopened when the file
     * changes, so a user postpasswd(1) adds can log in at once; a table that cannot be opened fails its
     * lookups (a temporary AUTH failure) instead of stopping smtpd. An unknown type is a configuration error.
     */
    private static List<Table> tables(MainCf cfg, String name, List<String> specs) {
        List<Table> out = new ArrayList<>();
        for (String spec : specs) {
            try {
                out.add(new org.postroom.global.table.LazyTable(spec, false));
            } catch (ConfigException e) {
                throw new ConfigException(cfg.where(name) + ": " + name + ": " + spec + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static Set<String> lower(List<String> l) {
        return l.stream().map(x -> x.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    boolean enabled() {
        return enabled;
    }

    /** A backend for one SMTP session; {@code serverAddress} is our end of the connection (lip=). */
    SaslServer open(String serverAddress) {
        return open(serverAddress, BuiltinSasl.FAILURE_DELAY);
    }

    /** With the pause after a failed built-in login given (tests use none). */
    SaslServer open(String serverAddress, java.time.Duration failureDelay) {
        if (type.equals("dovecot")) return new DovecotSasl(path, queueDirectory, service, plainOptions, tlsOptions, serverAddress);
        return new BuiltinSasl(users, builtinMechanisms, plainOptions, tlsOptions, failureDelay);
    }

    boolean brokenClients() {
        return brokenClients;
    }

    boolean authenticatedHeader() {
        return authenticatedHeader;
    }

    int responseLimit() {
        return responseLimit;
    }

    /** smtpd_sender_login_maps: the owners of {@code sender} (user+ext@domain, user@domain, @domain), or null when unlisted. */
    List<String> owners(String sender) throws TableException {
        if (senderLogins.isEmpty() || sender.isEmpty()) return null;
        List<String> keys = new ArrayList<>();
        String s = sender.toLowerCase(Locale.ROOT);
        keys.add(s);
        int at = s.lastIndexOf('@');
        if (!recipientDelimiter.isEmpty() && at > 0) {
            String local = s.substring(0, at);
            for (char d : recipientDelimiter.toCharArray()) {
                int x = local.indexOf(d);
                if (x > 0) {
                    keys.add(local.substring(0, x) + s.substring(at));
                    break;
                }
            }
        }
        if (at >= 0) keys.add(s.substring(at));
        for (String k : keys) {
            for (Table t : senderLogins) {
                var v = t.lookup(k);
                if (v.isPresent()) return List.of(v.get().split("[,\\s]+"));
            }
        }
        return null;
    }

    /** [A-Za-z0-9+/=]*: what Postfix accepts as a base64 response before decoding it. */
    static boolean isBase64(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=')) return false;
        }
        return true;
    }
}
