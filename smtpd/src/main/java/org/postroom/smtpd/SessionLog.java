package org.postroom.smtpd;

import org.postroom.global.log.Msg;

/** Where the session's log lines go: the maillog in production, a list in tests. */
interface SessionLog {
    void info(String text);

    void warn(String text);

    SessionLog MAILLOG = new SessionLog() {
        @Override
        public void info(String text) {
            Msg.info(text);
        }

        @Override
        public void warn(String text) {
            Msg.warn(text);
        }
    };
}
