package org.postroom.global.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.postroom.util.Printable;

/** One slf4j logger of {@link MaillogProvider}: its events become {@link Msg} lines. */
final class MaillogLogger extends AbstractLogger {
    MaillogLogger(String name) {
        this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
        return Msg.verbose();
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
        return Msg.verbose();
    }

    @Override
    public boolean isDebugEnabled() {
        return Msg.verbose();
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
        return Msg.verbose();
    }

    @Override
    public boolean isInfoEnabled() {
        return Msg.verbose();
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
        return Msg.verbose();
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
        return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        String text = MessageFormatter.basicArrayFormat(pattern, args);
        if (t != null) text = text + ": " + t;
        text = Printable.sanitize(name.substring(name.lastIndexOf('.') + 1) + ": " + text);
        switch (level) {
            case ERROR -> Msg.error(text);
            case WARN -> Msg.warn(text);
            default -> Msg.debug(text);
        }
    }
}
