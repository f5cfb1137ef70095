package org.postroom.global.record;

import java.io.IOException;

/** A malformed record stream: unknown type, bad length, oversized record, or premature end. */
public final class RecordException extends IOException {
    public RecordException(String message) {
        super(message);
    }
}
