package org.postroom.global.table;

import java.io.IOException;

/** A lookup could not be answered now (dict_errno): the caller treats it as a temporary failure. */
public class TableException extends IOException {
    public TableException(String message) {
        super(message);
    }

    public TableException(String message, Throwable cause) {
        super(message, cause);
    }
}
