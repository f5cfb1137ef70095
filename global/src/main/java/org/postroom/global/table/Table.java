package org.postroom.global.table;

import java.util.Optional;

/**
 * One open lookup table (Postfix DICT). {@link #lookup} takes a key as the caller built it; the table
 * applies its own case folding (indexed and text tables fold to lower case unless opened otherwise,
 * regexp tables match as their flags say). A temporary failure (database down, file unreadable) is a
 * {@link TableException}, never an empty result: callers defer, they do not bounce.
 */
public interface Table extends AutoCloseable {
    /** The value for {@code key}, or empty when the table has no entry. */
    Optional<String> lookup(String key) throws TableException;

    /** "type:name" as configured, for log lines. */
    String spec();

    /** True when the file behind the table changed since it was opened (a daemon then reopens it). */
    default boolean changed() {
        return false;
    }

    @Override
    default void close() {}
}
