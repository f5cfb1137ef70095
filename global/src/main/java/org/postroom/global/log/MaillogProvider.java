package org.postroom.global.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Routes what libraries log through slf4j (dnsjava, ...) into Postroom's own log, in Postfix's format:
 * a library's warning becomes "postfix/smtp[pid]: warning: ..." in maillog, never a line on stderr.
 * Warnings and errors are always logged; info, debug and trace only with -v (Postfix's libraries are
 * silent unless asked).
 */
public final class MaillogProvider implements SLF4JServiceProvider {
    private final ILoggerFactory loggers = MaillogLogger::new;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }
}
