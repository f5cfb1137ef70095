package org.postroom.smtpd;

import java.io.IOException;

/** Answers whether a recipient is in one of our address classes (local, virtual, relay_domains). */
interface RelayPolicy {
    boolean isOurDestination(String sender, String recipient) throws IOException;
}
