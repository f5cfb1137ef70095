package org.postroom.tools.common;

/** Stops a tool: {@code prog: fatal: text} on stderr and the given exit status (msg_fatal_status). */
public final class Fatal extends RuntimeException {
    private final int status;

    public Fatal(String text) {
        this(text, 1);
    }

    public Fatal(String text, int status) {
        super(text, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
