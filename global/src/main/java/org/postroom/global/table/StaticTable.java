package org.postroom.global.table;

import java.util.Optional;

/** {@code static:value} or {@code static:{value with spaces}}: every key gives the value (dict_static.c). */
public record StaticTable(String spec, String value) implements Table {

    public static StaticTable open(String name) {
        String v = name;
        int len = TableLists.balanced(name);
        if (len > 0 && len == name.length()) v = name.substring(1, len - 1).strip();
        return new StaticTable("static:" + name, v);
    }

    @Override
    public Optional<String> lookup(String key) {
        return Optional.of(value);
    }
}
