package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostnamesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            mail.example.com     | true  | true
            localhost            | true  | false
            host_1.example.com   | true  | true
            -bad.example.com     | false | false
            bad-.example.com     | false | false
            a..b                 | false | false
            1.2.3.4              | false | false
            [192.0.2.1]          | true  | true
            [192.0.2.300]        | false | true
            [IPv6:2001:db8::1]   | true  | true
            [IPv6:nonsense]      | false | true
            mail.example.com.    | true  | true
            """)
    void heloChecks(String helo, boolean valid, boolean fqdn) {
        assertEquals(valid, Restrictions.validHelo(helo), "valid " + helo);
        assertEquals(fqdn, Restrictions.fqdnHelo(helo), "fqdn " + helo);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            client.example.org     | client.example.org
            'a b'                  | a?b
            <x>                    | ?x?
            'evil\tname'           | evil?name
            user@host              | user?host
            """)
    void neutersHelo(String in, String out) {
        assertEquals(out, Hostnames.neuter(in.replace("\\t", "\t")));
    }
}
