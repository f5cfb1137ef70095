package org.postroom.global.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An immutable view of main.cf plus per-service {@code -o} overrides (mail_conf.c). Values are kept raw
 * and expanded on lookup, so a parameter may refer to one defined further down. Typed access goes through
 * declared {@link Param}s; a bad value is a {@link ConfigException} naming file, line and parameter.
 */
public final class MainCf {

    /** A raw value and where it came from (line 0 for -o overrides). */
    public record Setting(String value, int line) {}

    private final Path file;
    private final Map<String, Setting> settings;
    private final Map<String, String> overrides;
    private final Expander expander;

    private MainCf(Path file, Map<String, Setting> settings, Map<String, String> overrides) {
        this.file = file;
        this.settings = Collections.unmodifiableMap(settings);
        this.overrides = Collections.unmodifiableMap(overrides);
        this.expander = new Expander(this::raw);
    }

    /** Reads {@code configDir/main.cf}; a missing file gives all defaults, as Postfix does. */
    public static MainCf load(Path configDir, Map<String, String> overrides, Consumer<String> warn) {
        Path f = configDir.resolve("main.cf");
        String content;
        try {
            content = Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            content = "";
        } catch (IOException e) {
            throw new ConfigException(f + ": cannot read: " + e.getMessage());
        }
        Map<String, String> ov = new LinkedHashMap<>(overrides);
        ov.putIfAbsent("config_directory", configDir.toString());
        return parse(f, content, ov, warn);
    }

    public static MainCf load(Path configDir) {
        return load(configDir, Map.of(), w -> {});
    }

    /** Parses main.cf text (for tests and tools). */
    public static MainCf parse(Path file, String content, Map<String, String> overrides, Consumer<String> warn) {
        Map<String, Setting> m = new LinkedHashMap<>();
        for (LogicalLines.Line l : LogicalLines.split(content, w -> warn.accept(file + ": " + w))) {
            int eq = l.text().indexOf('=');
            if (eq < 0) {
                throw new ConfigException(file + ":" + l.number() + ": missing '=' after attribute name: \"" + l.text() + "\"");
            }
            String name = l.text().substring(0, eq).strip();
            if (name.isEmpty() || !name.chars().allMatch(c -> Expander.isNameChar((char) c))) {
                throw new ConfigException(file + ":" + l.number() + ": bad parameter name: \"" + name + "\"");
            }
            m.remove(name); // last definition wins, and keeps file order of the winner
            m.put(name, new Setting(l.text().substring(eq + 1).strip(), l.number()));
        }
        return new MainCf(file, m, overrides);
    }

    /** A copy with more overrides (master.cf -o, service_name, process_name, stress). */
    public MainCf withOverrides(Map<String, String> more) {
        Map<String, String> ov = new LinkedHashMap<>(overrides);
        ov.putAll(more);
        return new MainCf(file, settings, ov);
    }

    /** The raw, unexpanded value: override, then main.cf, then the declared default; null if none. */
    public String raw(String name) {
        String o = overrides.get(name);
        if (o != null) return o;
        Setting s = settings.get(name);
        if (s != null) return s.value();
        return Params.defaultOf(name);
    }

    /** The expanded value of any name (empty when undefined). */
    public String get(String name) {
        String r = raw(name);
        if (r == null) return "";
        if (name.equals("mailbox_command")) return r; // never expanded (postconf(5))
        return expander.expand(r);
    }

    /** The typed value of a declared parameter. */
    public <T> T get(Param<T> p) {
        String value;
        try {
            value = raw(p.name()) == null ? expander.expand(p.defaultValue()) : get(p.name());
        } catch (ConfigException e) {
            throw new ConfigException(where(p.name()) + ": " + p.name() + ": " + e.getMessage());
        }
        try {
            return p.parser().parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where(p.name()) + ": " + p.name() + ": " + e.getMessage());
        }
    }

    /** Expands an arbitrary string against this configuration. */
    public String expand(String text) {
        return expander.expand(text);
    }

    /** "file:line" for a parameter set in main.cf, "master.cf -o" for an override, else the file. */
    public String where(String name) {
        if (overrides.containsKey(name)) return file.getParent().resolve("master.cf") + ": -o " + name;
        Setting s = settings.get(name);
        return s == null ? file.toString() : file + ":" + s.line();
    }

    public boolean isSetInFile(String name) {
        return settings.containsKey(name);
    }

    /** Parameters set in main.cf, in file order (postconf -n). */
    public Map<String, Setting> settings() {
        return settings;
    }

    public Path file() {
        return file;
    }

    public Path configDirectory() {
        return file.getParent();
    }

    /** Checks every declared parameter that is set parses; throws the first error (start-up validation). */
    public void validate(List<Param<?>> params) {
        for (Param<?> p : params) get(p);
    }
}
