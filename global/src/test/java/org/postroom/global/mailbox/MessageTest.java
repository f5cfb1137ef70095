package org.postroom.global.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Copies of a queued message: the three styles, the Delivered-To: case option, the header scan. */
class MessageTest {
    @TempDir
    Path tmp;

    private String copy(Message m, Message.Style style, String delivered) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.copyTo(out, style, "Joe@Mail.Example.com", delivered, QueuedMessage.NOW);
        return out.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "MBOX    | From alice@example.org  Sat Nov 21 19:09:35 2026\\n | >From x\\nbody\\n\\n",
            "PIPE    | From alice@example.org  Sat Nov 21 19:09:35 2026\\n | From x\\nbody\\n",
            "MAILDIR | ''                                                   | From x\\nbody\\n"})
    void styles(Message.Style style, String fromLine, String tail) throws IOException {
        Message m = QueuedMessage.write(tmp.resolve("q"), "alice@example.org", List.of("Subject: s", "", "From x", "body"));
        assertEquals(fromLine.replace("\\n", "\n") + "Return-Path: <alice@example.org>\nX-Original-To: Joe@Mail.Example.com\n"
                + "Delivered-To: joe@mail.example.com\nSubject: s\n\n" + tail.replace("\\n", "\n"),
                copy(m, style, "joe@mail.example.com"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "false | Delivered-To: Joe@Mail.Example.com",
            "true  | Delivered-To: joe@mail.example.com"})
    void deliveredToCase(boolean lowerCase, String header) throws IOException {
        Message m = QueuedMessage.write(tmp.resolve("q"), "", QueuedMessage.SIMPLE, lowerCase);
        String copy = copy(m, Message.Style.MAILDIR, "Joe@Mail.Example.com");
        assertTrue(copy.contains("\n" + header + "\n"), copy);
        assertTrue(copy(m.withSender("bob@example.org"), Message.Style.MAILDIR, "Joe@Mail.Example.com")
                .startsWith("Return-Path: <bob@example.org>\nX-Original-To: Joe@Mail.Example.com\n" + header + "\n"));
    }

    @Test
    void deliveredToIsReadFromThePrimaryHeadersOnly() throws IOException {
        Message m = QueuedMessage.write(tmp.resolve("q"), "alice@example.org", List.of("Received: by x",
                "Delivered-To: JOE@mail.example.com", "delivered-to:", "\tann@mail.example.com", "Subject: s", "",
                "Delivered-To: body@example.org"));
        assertEquals(Set.of("joe@mail.example.com", "ann@mail.example.com"), m.deliveredTo());
    }
}
