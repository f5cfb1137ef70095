package org.postroom.smtpd;

import java.util.List;

/** Where smtpd_chat_notify() sends a transcript: cleanup(8) in production ({@link Smtpd}), a list in tests. */
@FunctionalInterface
interface ChatNotifier {
    /**
     * One notice. {@code errorMask} has the classes of the errors seen (a bounce class goes to
     * bounce_notice_recipient, the rest to error_notice_recipient); {@code reason} says why the session
     * ended abnormally, or is null. Must not throw: a notice that cannot be sent is logged and dropped.
     */
    void notify(int errorMask, String namaddr, List<String> transcript, String reason);
}
