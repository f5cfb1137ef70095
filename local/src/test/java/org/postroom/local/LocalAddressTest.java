package org.postroom.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Local part folding and extension splitting (split_addr). */
class LocalAddressTest {

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {
            "Joe@Mail.Example.COM, +,  joe,         joe, NULL,  Mail.Example.COM",
            "joe+foo@x,            +,  joe+foo,     joe, foo,   x",
            "joe+foo@x,            '', joe+foo,     joe+foo, NULL, x",
            "joe-foo+bar,          +-, joe-foo+bar, joe, foo+bar, ''",
            "owner-list@x,         -,  owner-list,  owner-list, NULL, x",
            "list-request@x,       -,  list-request, list-request, NULL, x",
            "+foo@x,               +,  +foo,        +foo, NULL, x",
            "joe+a/b@x,            +,  joe,         joe, NULL,  x",
    })
    void parses(String address, String delimiters, String local, String user, String ext, String domain) {
        LocalAddress a = LocalAddress.parse(address, delimiters);
        assertEquals(local, a.local());
        assertEquals(user, a.user());
        assertEquals(ext, a.extension());
        assertEquals(domain, a.domain());
    }

    @ParameterizedTest
    @CsvSource({"bob@x, +foo, bob+foo@x", "bob, +foo, bob+foo"})
    void splicesExtensions(String address, String suffix, String expected) {
        assertEquals(expected, LocalAddress.withExtension(address, suffix));
    }
}
