package org.postroom.global.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** quote_822_local: which local parts get quotes (the To: and Return-Path: of Postfix's notices show it). */
class Quote822LocalTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "sender@remote.example|sender@remote.example",
        "john doe@remote.example|\"john doe\"@remote.example",
        "first.last@x|first.last@x",
        ".lead@x|\".lead\"@x",
        "a..b@x|\"a..b\"@x",
        "trail.@x|\"trail.\"@x",
        "a\"b@x|\"a\\\"b\"@x",
        "back\\slash@x|\"back\\\\slash\"@x",
        "s\u00e9nder@remote.example|s\u00e9nder@remote.example",
        "postmaster|postmaster",
        "a@b@c|\"a@b\"@c",
        "@relay:john doe@x|@relay:\"john doe\"@x",
        "MAILER-DAEMON@mail.example.com|MAILER-DAEMON@mail.example.com",
    })
    void quotes(String in, String out) {
        assertEquals(out, Quote822Local.quote(in));
    }
}
