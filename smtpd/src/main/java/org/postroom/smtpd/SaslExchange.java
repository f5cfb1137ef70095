package org.postroom.smtpd;

/** One AUTH exchange, started by {@link SaslServer#start}. Responses are the client's base64 text. */
interface SaslExchange {
    /** The first step: {@code initialResponse} is the AUTH command's second word (base64), or null. */
    SaslStep first(String initialResponse);

    /** The step after the client's answer to a challenge. */
    SaslStep next(String response);
}
