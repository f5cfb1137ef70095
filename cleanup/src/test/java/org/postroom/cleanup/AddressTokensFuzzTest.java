package org.postroom.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.AttrWriter;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.queue.QueueId;

/**
 * Fuzzes the header address tokenizer ({@link AddressTokens}) and header rewriting
 * ({@link MessageAddresses#header}) with an arbitrary logical header (UTF-8, physical lines joined by
 * "\n"). The rewriter encodes each request as trivial-rewrite's client does ({@link AttrWriter}, so an
 * address it cannot send fails here as it would in cleanup), then appends @mail.example.com to bare
 * names.
 *
 * <p>Invariants: no exception but IOException; spans lie inside the text, in order, without overlap;
 * an address is never empty or a source route, and an address in angle brackets is the bracketed text;
 * rewriting keeps the number of addresses and is idempotent.
 */
class AddressTokensFuzzTest {
    private static final MessageAddresses ADDRESSES = new MessageAddresses(new QueueId("64BE1160033"),
            AddressTokensFuzzTest::rewrite, MappingFixture.mapping(""), "mail.example.com", 1000);

    private static String rewrite(String rule, String address) throws IOException {
        new AttrWriter(new ByteArrayOutputStream()).write(Attrs.builder().put(AttrNames.REQUEST, "rewrite")
                .put(AttrNames.RULE, rule).put(AttrNames.ADDRESS, address).build());
        return MappingFixture.canonical(address);
    }

    @FuzzTest(maxDuration = "15m")
    void header(byte[] input) throws IOException {
        String logical = new String(input, StandardCharsets.UTF_8);
        int colon = logical.indexOf(':');
        String value = colon < 0 ? logical : logical.substring(colon + 1);
        List<AddressTokens.Span> spans = AddressTokens.find(value);
        int last = 0;
        for (AddressTokens.Span s : spans) {
            assertTrue(s.start() >= last && s.start() <= s.end() && s.end() <= value.length(), "bad span " + s + " after " + last);
            last = s.end();
            assertTrue(!s.address().isEmpty() && !s.address().startsWith("@"), "bad address " + s);
            if (s.start() > 0 && value.charAt(s.start() - 1) == '<') {
                assertEquals(value.substring(s.start(), s.end()).strip(), s.address());
            }
        }

        String once = ADDRESSES.header(logical);
        int c2 = once.indexOf(':');
        String value2 = c2 < 0 ? once : once.substring(c2 + 1);
        assertEquals(spans.size(), AddressTokens.find(value2).size(), "rewriting changed the address count: " + once);
        assertEquals(once, ADDRESSES.header(once), "rewriting is not idempotent");
    }
}
