package org.postroom.local;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a command learns about the delivery: its environment variables and the $name macros of mailbox_command. */
final class CommandEnvironment {
    private CommandEnvironment() {}

    /** The command environment of local/command.c, censored by command_expansion_filter. */
    static Map<String, String> of(Attempt at, String recipient, LocalAddress a, Rights rights, String filter) {
        Map<String, String> env = new LinkedHashMap<>();
        if (rights != null && rights.home() != null) env.put("HOME", rights.home());
        env.put("LOGNAME", a.user());
        env.put("USER", a.user());
        env.put("SENDER", at.message().sender());
        env.put("RECIPIENT", recipient);
        env.put("LOCAL", a.local());
        if (rights != null && rights.shell() != null) env.put("SHELL", rights.shell());
        if (!a.domain().isEmpty()) env.put("DOMAIN", a.domain());
        if (a.extension() != null) env.put("EXTENSION", a.extension());
        if (!at.originalRecipient().isEmpty()) env.put("ORIGINAL_RECIPIENT", at.originalRecipient());
        if (!at.clientName().isEmpty()) env.put("CLIENT_HOSTNAME", at.clientName());
        if (!at.clientAddress().isEmpty()) env.put("CLIENT_ADDRESS", at.clientAddress());
        env.replaceAll((k, v) -> LocalExpand.censor(v, filter));
        return env;
    }

    /** The $name attributes of mailbox_command. */
    static Map<String, String> macros(Attempt at, String recipient, LocalAddress a, Rights user) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("user", a.user());
        m.put("home", user.home());
        m.put("shell", user.shell());
        m.put("recipient", recipient);
        m.put("local", a.local());
        m.put("domain", a.domain());
        m.put("extension", a.extension() == null ? "" : a.extension());
        m.put("recipient_delimiter", a.unmatched() == null ? "" : a.unmatched().substring(0, 1));
        m.put("sender", at.message().sender());
        m.put("client_hostname", at.clientName());
        m.put("client_address", at.clientAddress());
        return m;
    }
}
