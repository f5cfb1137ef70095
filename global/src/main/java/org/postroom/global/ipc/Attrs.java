package org.postroom.global.ipc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;

/** One attribute list as read from the wire; names may repeat (per-recipient attributes), order is kept. */
public record Attrs(List<Map.Entry<String, String>> entries) {
    public Attrs {
        entries = List.copyOf(entries);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<String> optional(String name) {
        for (Map.Entry<String, String> e : entries) if (e.getKey().equals(name)) return Optional.of(e.getValue());
        return Optional.empty();
    }

    public String require(String name) throws ProtocolException {
        return optional(name).orElseThrow(() -> new ProtocolException("missing attribute: " + name));
    }

    public int requireInt(String name) throws ProtocolException {
        String v = require(name);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad integer attribute " + name + "=" + v);
        }
    }

    public long requireLong(String name) throws ProtocolException {
        String v = require(name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad integer attribute " + name + "=" + v);
        }
    }

    /** Fails unless attribute {@code name} has exactly {@code value} (RECV_ATTR_STREQ). */
    public void expect(String name, String value) throws ProtocolException {
        String v = require(name);
        if (!v.equals(value)) throw new ProtocolException("unexpected " + name + ": got \"" + v + "\", want \"" + value + "\"");
    }

    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : entries) m.put(e.getKey(), e.getValue());
        return Collections.unmodifiableMap(m);
    }

    /** Builds an attribute list in order. */
    public static final class Builder {
        private final List<Map.Entry<String, String>> list = new ArrayList<>();

        public Builder put(String name, String value) {
            list.add(Map.entry(name, value));
            return this;
        }

        public Builder put(String name, long value) {
            return put(name, Long.toString(value));
        }

        public Attrs build() {
            return new Attrs(list);
        }
    }
}
