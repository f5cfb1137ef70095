package org.postroom.global.ipc;

import java.io.IOException;

/** The peer broke the protocol: wrong protocol name, missing attribute, oversized value, bad syntax. */
public final class ProtocolException extends IOException {
    public ProtocolException(String message) {
        super(message);
    }
}
