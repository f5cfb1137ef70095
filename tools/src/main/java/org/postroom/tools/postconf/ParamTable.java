package org.postroom.tools.postconf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;

/**
 * The parameters postconf knows (pcf_register_*_parameters): the built-in ones (Params), the
 * service-dependent ones that qmgr honours for delivery services in master.cf
 * ({@code service_destination_concurrency_limit}, {@code service_destination_recipient_limit},
 * {@code service_initial_destination_concurrency}, the feedback, cohort and rate-delay ones), and
 * user-defined ones: names set in main.cf or with -o that some value refers to as $name, or that
 * smtpd_restriction_classes lists. Anything else set in main.cf or master.cf is an unused parameter.
 */
final class ParamTable {
    private static final Pattern REF = Pattern.compile("\\$[{(]?([A-Za-z0-9_]+)");
    private static final Set<String> AGENTS = Set.of("local", "virtual", "smtp", "lmtp", "pipe", "error", "discard");
    private static final Map<String, String> SERVICE_SUFFIXES = Map.of(
            "_destination_concurrency_limit", "$default_destination_concurrency_limit",
            "_destination_recipient_limit", "$default_destination_recipient_limit",
            "_initial_destination_concurrency", "$initial_destination_concurrency",
            "_destination_concurrency_positive_feedback", "$default_destination_concurrency_positive_feedback",
            "_destination_concurrency_negative_feedback", "$default_destination_concurrency_negative_feedback",
            "_destination_concurrency_failed_cohort_limit", "$default_destination_concurrency_failed_cohort_limit",
            "_destination_rate_delay", "$default_destination_rate_delay");

    /** Parameter classes for -C. */
    static final int BUILTIN = 1, SERVICE = 2, USER = 4;

    /** Known name -> default (raw; null for a built-in one until asked for, see {@link #defaultOf}); class per name. */
    private final Map<String, String> defaults = new TreeMap<>();
    private final Map<String, Integer> classes = new TreeMap<>();

    ParamTable(MainCf cfg, Map<String, String> settings, List<ServiceEntry> master, boolean withUser) {
        for (String name : Params.all().keySet()) {
            defaults.put(name, null); // mynetworks' default lists the network interfaces: only when needed
            classes.put(name, BUILTIN);
        }
        for (ServiceEntry e : master) {
            if (!e.type().equals("unix") || !AGENTS.contains(Path.of(e.argv.get(ServiceEntry.CMD)).getFileName().toString())) continue;
            for (Map.Entry<String, String> s : SERVICE_SUFFIXES.entrySet()) {
                String n = e.name() + s.getKey();
                if (!defaults.containsKey(n)) {
                    defaults.put(n, s.getValue());
                    classes.put(n, SERVICE);
                }
            }
        }
        if (withUser) registerUser(settings, master);
    }

    private void registerUser(Map<String, String> settings, List<ServiceEntry> master) {
        List<String> values = new ArrayList<>(settings.values());
        for (ServiceEntry e : master) values.addAll(e.params().values());
        Set<String> referenced = new TreeSet<>();
        for (String v : values) {
            Matcher m = REF.matcher(v);
            while (m.find()) referenced.add(m.group(1));
        }
        String classesValue = settings.getOrDefault("smtpd_restriction_classes", "");
        for (String c : classesValue.split("[,\\s]+")) if (!c.isEmpty()) referenced.add(c);
        Map<String, String> defined = new LinkedHashMap<>(settings);
        for (ServiceEntry e : master) e.params().forEach(defined::putIfAbsent);
        for (String r : referenced) {
            if (!defaults.containsKey(r) && defined.containsKey(r)) {
                defaults.put(r, "");
                classes.put(r, USER);
            }
        }
    }

    boolean known(String name) {
        return defaults.containsKey(name);
    }

    boolean builtin(String name) {
        return classes.getOrDefault(name, 0) == BUILTIN;
    }

    /** Sorted known names of the given classes. */
    List<String> names(int classMask) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Integer> e : classes.entrySet()) if ((e.getValue() & classMask) != 0) out.add(e.getKey());
        return out;
    }

    String defaultOf(String name) {
        String d = defaults.get(name);
        if (d == null && classes.getOrDefault(name, 0) == BUILTIN) {
            d = Params.defaultOf(name);
            defaults.put(name, d);
        }
        return d;
    }
}
