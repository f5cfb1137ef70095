package org.postroom.smtpd;

import java.util.List;

/**
 * A server-side SASL implementation (xsasl_server.h): Dovecot's auth service ({@link DovecotSasl}) or
 * the built-in user tables ({@link BuiltinSasl}). One instance per SMTP session; it may hold a
 * connection, released by {@link #close}.
 */
interface SaslServer extends AutoCloseable {
    /** The mechanisms to announce on a session with or without TLS, after the security options. */
    List<String> mechanisms(boolean tls);

    /**
     * Whether the backend can be reached now (Dovecot's auth socket answers); when not, AUTH gets
     * "454 4.7.0 Temporary authentication failure: Can't connect to authentication server", as
     * xsasl_dovecot_server_first() answers, instead of a mechanism error.
     */
    default boolean available() {
        return true;
    }

    /** Starts an exchange with one of {@link #mechanisms}; {@code tls} tells the backend the session is secured. */
    SaslExchange start(String mechanism, boolean tls, ClientInfo client);

    @Override
    void close();
}
