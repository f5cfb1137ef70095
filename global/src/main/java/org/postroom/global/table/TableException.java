package org.postroom.global.table;

import java.io.IOException;

/**
 * A lookup could not be answered now (dict_errno): the caller treats it as a temporary failure. Failures
 * of a lookup itself carry Postfix's text {@code table TYPE:NAME: query error: REASON}, with the reason
 * also available on its own ({@link #reason}) so that wrapping tables (unionmap, pipemap) can report it
 * under their own name; failures to open a table carry the open error ("open database x.db: No such file
 * or directory").
 */
public class TableException extends IOException {
    private final String reason;

    public TableException(String message) {
        super(message);
        this.reason = message;
    }

    public TableException(String message, Throwable cause) {
        super(message, cause);
        this.reason = message;
    }

    private TableException(String spec, String reason, Throwable cause) {
        super("table " + spec + ": query error: " + reason, cause);
        this.reason = reason;
    }

    /** A failed lookup in table {@code spec} ("type:name") because of {@code reason}. */
    public static TableException query(String spec, String reason, Throwable cause) {
        return new TableException(spec, reason, cause);
    }

    /** Why the lookup failed, without the table name. */
    public String reason() {
        return reason;
    }
}
