package org.postroom.smtp;

import java.util.List;

/** What the address lookup for a next hop gives: addresses to try in order, or why there are none. */
sealed interface SiteList {
    record Addresses(List<MxAddress> addresses) implements SiteList {
        public Addresses {
            addresses = List.copyOf(addresses);
        }
    }

    /** No address: {@code dsn} is 4.x.x (defer the recipients) or 5.x.x (bounce them). */
    record Failure(String dsn, String text) implements SiteList {
        boolean permanent() {
            return dsn.startsWith("5");
        }
    }
}
