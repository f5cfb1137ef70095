package org.postroom.global.config;

/**
 * A configuration error: names the file, line and parameter, as in {@code /etc/postfix/main.cf:12: smtpd_timeout: bad time value}.
 * Fatal at start-up (Postfix msg_fatal).
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
