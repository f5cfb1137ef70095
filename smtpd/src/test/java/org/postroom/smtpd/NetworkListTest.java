package org.postroom.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.postroom.global.config.Param;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkListTest {
    @ParameterizedTest(name = "{0} / {1} [{2}] -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.0/8                         | 127.0.0.1       | localhost        | true
            127.0.0.0/8                         | 128.0.0.1       | unknown          | false
            127.0.0.0/8 [::1]/128               | ::1             | localhost        | true
            127.0.0.0/8 [::1]/128               | ::2             | unknown          | false
            [0:0:0:0:0:0:0:1]/128               | ::1             | localhost        | true
            [2001:db8::]/32                     | 2001:db8:1::5   | unknown          | true
            [2001:db8::]/32                     | 2001:db9::5     | unknown          | false
            2001:db8::/32                       | 2001:db8::1     | unknown          | true
            192.0.2.0/24                        | 2001:db8::1     | unknown          | false
            192.0.2.5                           | 192.0.2.5       | unknown          | true
            192.0.2.5                           | 192.0.2.6       | unknown          | false
            [192.0.2.5]                         | 192.0.2.5       | unknown          | true
            !192.0.2.5 192.0.2.0/24             | 192.0.2.5       | unknown          | false
            !192.0.2.5 192.0.2.0/24             | 192.0.2.6       | unknown          | true
            192.0.2.0/24 !192.0.2.5             | 192.0.2.5       | unknown          | true
            192.0.2.128/25                      | 192.0.2.127     | unknown          | false
            192.0.2.128/25                      | 192.0.2.200     | unknown          | true
            0.0.0.0/0                           | 203.0.113.9     | unknown          | true
            [::ffff:127.0.0.0]/104              | 127.0.0.1       | localhost        | true
            example.com                         | 203.0.113.9     | mx.example.com   | true
            example.com                         | 203.0.113.9     | EXAMPLE.COM      | true
            example.com                         | 203.0.113.9     | notexample.com   | false
            .example.com                        | 203.0.113.9     | example.com      | false
            .example.com                        | 203.0.113.9     | a.example.com    | true
            ''                                  | 127.0.0.1       | localhost        | false
            """)
    void matches(String patterns, String address, String name, boolean expected) {
        NetworkList list = NetworkList.parse(Param.splitList(patterns));
        assertEquals(expected, list.matches(InetAddress.ofLiteral(address), name));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.1/8        | non-null host address bits in "10.0.0.1/8", perhaps you should use "10.0.0.0/8" instead
            [2001:db8::1]/32  | non-null host address bits in "[2001:db8::1]/32", perhaps you should use "[2001:db8::]/32" instead
            10.0.0.0/33       | bad network mask length
            10.0.0.0/x        | bad network mask
            hash:/etc/nets    | unsupported network list element
            /etc/nets         | unsupported network list element
            10.0.0.300        | bad address pattern
            """)
    void rejectsBadPatterns(String pattern, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkList.parse(java.util.List.of(pattern)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
