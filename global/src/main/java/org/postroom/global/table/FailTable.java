package org.postroom.global.table;

import java.util.Optional;

/** {@code fail:name}: every lookup fails temporarily (dict_fail.c); the name is only for logging. */
public record FailTable(String spec) implements Table {

    public static FailTable open(String name) {
        return new FailTable("fail:" + name);
    }

    @Override
    public Optional<String> lookup(String key) throws TableException {
        throw TableException.query(spec, "Application error", null);
    }
}
