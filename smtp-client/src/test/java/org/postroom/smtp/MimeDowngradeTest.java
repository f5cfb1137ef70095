package org.postroom.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The 8-bit to quoted-printable conversion, line by line, against what Postfix sends (spec section 9.4). */
class MimeDowngradeTest {
    private static List<String> convert(String... lines) throws IOException {
        List<String> out = new ArrayList<>();
        MimeDowngrade d = new MimeDowngrade((data, off, len) -> out.add(new String(data, off, len, StandardCharsets.UTF_8)));
        for (String l : lines) {
            byte[] b = l.getBytes(StandardCharsets.UTF_8);
            d.line(b, 0, b.length);
        }
        d.finish();
        return out;
    }

    @Test
    void leafPartAsPostfixSendsIt() throws IOException {
        // observed from Postfix 3.7.11 to a server without 8BITMIME
        assertEquals(List.of("MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Message-Id: <x@y>",
                        "Content-Transfer-Encoding: quoted-printable", "", "Gr=C3=BC=C3=9Fe aus K=C3=B6ln =3D ok"),
                convert("MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
                        "Message-Id: <x@y>", "", "Grüße aus Köln = ok"));
    }

    @Test
    void softBreaksAndTrailingWhiteSpace() throws IOException {
        List<String> out = convert("Content-Transfer-Encoding: 8bit", "", "a".repeat(80), "tail ");
        assertEquals(List.of("Content-Transfer-Encoding: quoted-printable", "", "a".repeat(73) + "=", "a".repeat(7), "tail=20"), out);
    }

    @Test
    void withoutAnEightBitHeaderNothingChanges() throws IOException {
        assertEquals(List.of("Subject: x", "", "café"), convert("Subject: x", "", "café"));
    }

    @Test
    void multipartPartsAreConvertedOneByOne() throws IOException {
        List<String> out = convert(
                "Content-Type: multipart/mixed;", "\tboundary=\"b1\"", "Content-Transfer-Encoding: 8bit", "",
                "prologue",
                "--b1", "Content-Type: text/plain", "Content-Transfer-Encoding: 8bit", "", "é",
                "--b1", "Content-Type: text/plain", "", "é stays",
                "--b1", "Content-Type: message/rfc822", "Content-Transfer-Encoding: 8bit", "",
                "Subject: inner", "Content-Transfer-Encoding: 8bit", "", "ü",
                "--b1--", "epilogue é");
        assertEquals(List.of(
                "Content-Type: multipart/mixed;", "\tboundary=\"b1\"", "Content-Transfer-Encoding: 7bit", "",
                "prologue",
                "--b1", "Content-Type: text/plain", "Content-Transfer-Encoding: quoted-printable", "", "=C3=A9",
                "--b1", "Content-Type: text/plain", "", "é stays",
                "--b1", "Content-Type: message/rfc822", "Content-Transfer-Encoding: 7bit", "",
                "Subject: inner", "Content-Transfer-Encoding: quoted-printable", "", "=C3=BC",
                "--b1--", "epilogue é"), out);
    }
}
