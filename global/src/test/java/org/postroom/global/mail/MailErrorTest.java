package org.postroom.global.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailErrorTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            default               | resource, software                                             | 24
            the four of the brief | protocol, policy, resource, software                           | 27
            every class           | bounce, 2bounce, data, delay, policy, protocol, resource, software | 255
            none                  |                                                                | 0
            """)
    void mask(String label, String value, int mask) {
        List<String> names = value == null ? List.of() : List.of(value.split(",\\s*"));
        assertEquals(mask, MailError.mask(names));
        assertEquals(names.stream().sorted().toList(), MailError.names(mask).stream().sorted().toList());
    }

    @ParameterizedTest
    @CsvSource({"Protocol", "typo"})
    void unknownNamesAreRefusedAsPostfixDoes(String name) {
        // name_mask() with NAME_MASK_FATAL compares case-sensitively
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MailError.mask(List.of("resource", name)));
        assertEquals("unknown notify_classes value \"" + name + "\" in \"resource, " + name + "\"", e.getMessage());
    }
}
