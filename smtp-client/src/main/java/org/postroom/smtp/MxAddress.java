package org.postroom.smtp;

import java.net.InetAddress;

/** One address to try (smtp_addr.c DNS_RR list entry): the host it belongs to and that host's MX preference. */
record MxAddress(String hostname, int preference, InetAddress address) {
    /** "host[address]" as Postfix logs a relay. */
    String namaddr() {
        return hostname + "[" + address.getHostAddress() + "]";
    }
}
