package org.postroom.service;

/** msg_fatal: an unrecoverable condition; the skeleton logs it and exits 1. */
public final class FatalException extends RuntimeException {
    public FatalException(String message) {
        super(message);
    }
}
