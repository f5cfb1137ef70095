package org.postroom.smtpd;

/** The result of parsing client input: the value, or the reply that refuses it. */
sealed interface Parsed<T> {
    record Ok<T>(T value) implements Parsed<T> {}

    record Bad<T>(SmtpReply reply) implements Parsed<T> {}

    static <T> Parsed<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Parsed<T> bad(String reply) {
        return new Bad<>(SmtpReply.of(reply));
    }
}
