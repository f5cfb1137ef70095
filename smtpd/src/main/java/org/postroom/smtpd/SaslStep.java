package org.postroom.smtpd;

/** What a SASL backend says after each client response (xsasl_server.h's XSASL_AUTH_* results). */
sealed interface SaslStep {
    /** "334 " and the base64 challenge ("" for an empty one). */
    record Challenge(String base64) implements SaslStep {}

    /** 235: authenticated as {@code username}. */
    record Success(String username) implements SaslStep {}

    /** 535 5.7.8 Error: authentication failed: {@code reason}; {@code username} is null when unknown. */
    record Failure(String reason, String username) implements SaslStep {}

    /** 454 4.7.0 Temporary authentication failure: {@code reason}. */
    record TempFailure(String reason) implements SaslStep {}
}
