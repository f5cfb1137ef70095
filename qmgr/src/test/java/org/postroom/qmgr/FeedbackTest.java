package org.postroom.qmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FeedbackTest {
    record Case(String label, String value, double atFour, boolean warns) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("constant one (the default)", "1", 1, false),
                new Case("constant fraction", "0.5", 0.5, false),
                new Case("ratio of constants", "1/4", 0.25, false),
                new Case("per window", "1/concurrency", 0.25, false),
                new Case("per window with blanks", "1 / concurrency", 0.25, false),
                new Case("zero", "0", 0, false),
                new Case("sscanf stops at the number", "1x", 1, false),
                new Case("more than one", "1.5", 1, true),
                new Case("more than one per window", "2/concurrency", 1, true),
                new Case("sqrt_concurrency is not compiled in", "1/sqrt_concurrency", 1, true),
                new Case("no denominator", "1/", 1, true),
                new Case("zero denominator", "1/0", 1, true),
                new Case("text after the denominator", "1/4 x", 1, true),
                new Case("not a number", "abc", 1, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parsesLikePostfix(Case c) {
        List<String> warnings = new ArrayList<>();
        Feedback f = Feedback.parse(c.value(), "smtp_destination_concurrency_positive_feedback",
                "default_destination_concurrency_positive_feedback", "1", warnings::add);
        assertEquals(c.atFour(), f.at(4), 1e-9);
        assertEquals(c.warns() ? List.of("smtp_destination_concurrency_positive_feedback: ignoring malformed or unreasonable feedback: "
                + c.value()) : List.of(), warnings);
    }

    @org.junit.jupiter.api.Test
    void warnsWithTheDefaultNameWhenTheDefaultIsBad() {
        List<String> warnings = new ArrayList<>();
        Feedback.parse("7", "smtp_destination_concurrency_negative_feedback", "default_destination_concurrency_negative_feedback", "7",
                warnings::add);
        assertEquals(List.of("default_destination_concurrency_negative_feedback: ignoring malformed or unreasonable feedback: 7"), warnings);
    }
}
