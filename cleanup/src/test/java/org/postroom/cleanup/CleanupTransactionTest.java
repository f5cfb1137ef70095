package org.postroom.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postroom.global.proto.cleanup.CleanupStatus;
import org.postroom.global.queue.QueueId;
import org.postroom.global.record.Record;
import org.postroom.global.record.RecordReader;
import org.postroom.global.record.RecordType;
import org.postroom.global.record.RecordWriter;

/** One message through cleanup with address mapping: the queue-file records it writes. */
class CleanupTransactionTest {
    @TempDir
    Path tmp;

    /** The records written (no T, no A) and the DSN attributes with the recipient records they belong to. */
    record Result(CleanupStatus status, List<String> records, List<String> dsn) {}

    private Result run(String cf, String context, List<String> rcpts, List<String> content) throws IOException {
        return run(cf, context, List.of(), rcpts, content);
    }

    /** As above, with more envelope attributes ("name=value") after the rewrite context; trace_flags is shown. */
    private Result run(String cf, String context, List<String> attrs, List<String> rcpts, List<String> content) throws IOException {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        RecordWriter w = new RecordWriter(in);
        w.put(RecordType.TIME, "1795288307 174110");
        w.attr("rewrite_context", context);
        for (String a : attrs) w.put(RecordType.ATTR, a);
        w.put(RecordType.FROM, "alice");
        for (String r : rcpts) {
            if (r.startsWith("A:")) w.attr(r.substring(2, r.indexOf('=')), r.substring(r.indexOf('=') + 1));
            else w.put(RecordType.RCPT, r);
        }
        w.put(RecordType.MESG, "");
        for (String l : content) {
            // "\u001f" splits a line into CONT pieces, the way smtpd sends a line longer than line_length_limit
            String[] pieces = l.split("\u001f", -1);
            for (int i = 0; i < pieces.length; i++) w.put(i < pieces.length - 1 ? RecordType.CONT : RecordType.NORM, pieces[i]);
        }
        w.put(RecordType.XTRA, "");
        w.put(RecordType.END, "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        QueueId id = new QueueId("64BE1160033");
        CleanupTransaction.Settings s = new CleanupTransaction.Settings("mail.example.com", "mail.example.com", 2048,
                10240000, 102400, 50, Set.of("bcc"), false, true, java.time.Duration.ZERO);
        MessageAddresses addresses = new MessageAddresses(id, (rule, a) -> rule.equals("local") ? MappingFixture.canonical(a) : a,
                MappingFixture.mapping(cf), "mail.example.com", 1000);
        CleanupTransaction tx = new CleanupTransaction(id, s, addresses, new RecordWriter(out), false);
        CleanupStatus status = tx.run(new RecordReader(new ByteArrayInputStream(in.toByteArray())));
        List<String> recs = new ArrayList<>();
        List<String> dsn = new ArrayList<>();
        RecordReader r = new RecordReader(new ByteArrayInputStream(out.toByteArray()));
        for (Record rec = r.next(1 << 20); rec != null; rec = r.next(1 << 20)) {
            boolean shown = rec.type() != RecordType.ATTR || rec.text().startsWith("trace_flags=");
            if (rec.type() != RecordType.TIME && shown) recs.add(rec.type().code + " " + rec.text());
            boolean dsnAttr = rec.type() == RecordType.ATTR
                    && (rec.text().startsWith("dsn_orig_rcpt=") || rec.text().startsWith("notify_flags="));
            if (dsnAttr || rec.type() == RecordType.ORCP || rec.type() == RecordType.RCPT) dsn.add(rec.type().code + " " + rec.text());
        }
        return new Result(status, recs, dsn);
    }

    @Test
    void canonicalSenderVirtualFanOutAndHeaderRewriting() throws IOException {
        Path virtual = tmp.resolve("virtual");
        Files.writeString(virtual, "sales@v.example  ann@a.example, bob@b.example\nbob@b.example  bob@b.example\n");
        MappingFixture.settled(virtual);
        String cf = "sender_canonical_maps = inline:{ alice@mail.example.com=Alice.Smith@example.com }\n"
                + "virtual_alias_maps = texthash:" + virtual + "\n";
        Result r = run(cf, "local", List.of("sales@v.example", "bob@b.example", "sales@v.example"),
                List.of("From: Alice <alice>", "To: sales@v.example,", " carol", "Subject: hi", "", "body"));
        assertEquals(CleanupStatus.OK, r.status());
        assertEquals(List.of("S Alice.Smith@example.com",
                "O sales@v.example", "R ann@a.example", "O sales@v.example", "R bob@b.example",
                "O bob@b.example", "R bob@b.example",
                "M ", "N From: Alice <Alice.Smith@example.com>", "N To: sales@v.example,", "N  carol@mail.example.com",
                "N Subject: hi"), r.records().subList(0, 12));
    }

    /**
     * cleanup_addr.c (Postfix 3.0 and later): a recipient without ORCPT gets "rfc822;" and its canonical
     * address before virtual alias expansion as its DSN original recipient; a client's ORCPT is kept.
     */
    @Test
    void originalRecipientIsTheCanonicalAddressUnlessTheClientGaveOne() throws IOException {
        Path virtual = tmp.resolve("virtual");
        Files.writeString(virtual, "sales@v.example  ann@a.example, bob@b.example\n");
        MappingFixture.settled(virtual);
        Result r = run("virtual_alias_maps = texthash:" + virtual + "\n", "local",
                List.of("failcmd", "sales@v.example", "A:notify_flags=4", "A:dsn_orig_rcpt=rfc822;boss@example.org", "carol@far.example"),
                List.of("Subject: hi", "", "body"));
        assertEquals(CleanupStatus.OK, r.status());
        assertEquals(List.of("A dsn_orig_rcpt=rfc822;failcmd@mail.example.com", "O failcmd", "R failcmd@mail.example.com",
                "A dsn_orig_rcpt=rfc822;sales@v.example", "O sales@v.example", "R ann@a.example",
                "A dsn_orig_rcpt=rfc822;sales@v.example", "O sales@v.example", "R bob@b.example",
                "A notify_flags=4", "A dsn_orig_rcpt=rfc822;boss@example.org", "O carol@far.example", "R carol@far.example"), r.dsn());
    }

    /** Found by fuzzing: a NUL reached trivial-rewrite's attribute writer, which throws on it. */
    @Test
    void nulInAddressesIsNeverSentToTrivialRewrite() throws IOException {
        Result r = run("", "local", List.of("bob@b.example"), List.of("To: <a\0b>, carol", "", "body"));
        assertEquals(CleanupStatus.OK, r.status());
        assertTrue(r.records().contains("N To: <a\0b>, carol@mail.example.com"), r.records().toString());
        org.junit.jupiter.api.Assertions.assertThrows(org.postroom.global.record.RecordException.class,
                () -> run("", "local", List.of("bob\0@b.example"), List.of("", "body")));
    }

    /** cleanup_envelope.c: the trace flags of sendmail -bv and -v are kept for qmgr; a malformed record rejects the message. */
    @Test
    void traceFlagsAreKeptAndMustBeDigits() throws IOException {
        Result r = run("", "local", List.of("trace_flags=512"), List.of("bob@b.example"), List.of("Subject: probe", ""));
        assertEquals(CleanupStatus.OK, r.status());
        assertEquals(List.of("A trace_flags=512", "S alice@mail.example.com"), r.records().subList(0, 2));
        org.junit.jupiter.api.Assertions.assertThrows(org.postroom.global.record.RecordException.class,
                () -> run("", "local", List.of("trace_flags=5x"), List.of("bob@b.example"), List.of("", "body")));
    }

    @Test
    void remoteContextLeavesHeadersAlone() throws IOException {
        String cf = "canonical_maps = inline:{ alice=alice@example.org, carol=carol@example.org }\n";
        Result r = run(cf, "remote", List.of("carol@mail.example.com"), List.of("From: alice", "To: carol", "", "body"));
        assertTrue(r.records().contains("N From: alice"), r.records().toString());
        assertTrue(r.records().contains("R carol@example.org"), r.records().toString());
    }

    @Test
    void tableFailureRefusesTheMessageTemporarily() throws IOException {
        Result r = run("virtual_alias_maps = fail:down\n", "local", List.of("u@x.example"), List.of("Subject: x", "", "b"));
        assertEquals(new CleanupStatus(CleanupStatus.STAT_WRITE, "4.6.0 Alias expansion error"), r.status());
        assertEquals("451 4.3.0 Error: queue file write error", r.status().smtpReply("ID", "mail.example.com"));
    }

    @Test
    void oversizedHeaderIsTruncatedAndLaterHeadersStayHeaders() throws IOException {
        // 200 KB header: 100 CONT pieces of 2000 bytes, then a continuation line, then more headers
        String piece = "x".repeat(2000);
        String huge = "X-Huge: " + String.join("\u001f", java.util.Collections.nCopies(100, piece));
        Result r = run("", "remote", List.of("u@x.example"),
                List.of(huge, " folded continuation", "Subject: after", "To: u@x.example", "", "body line"));
        assertEquals(CleanupStatus.OK, r.status());
        List<String> recs = r.records();
        int m = recs.indexOf("M ");
        // written back in line_length_limit (2048) pieces; Postfix appends while the buffer is below
        // header_size_limit (102400), so the header keeps 8 + 52 * 2000 bytes and loses the continuation
        StringBuilder header = new StringBuilder();
        int i = m + 1;
        for (; recs.get(i).startsWith("L "); i++) header.append(recs.get(i).substring(2));
        header.append(recs.get(i).substring(2));
        assertEquals(8 + 52 * 2000, header.length());
        assertTrue(header.toString().startsWith("X-Huge: xxx"));
        assertEquals(List.of("N Subject: after", "N To: u@x.example"), recs.subList(i + 1, i + 3));
        assertTrue(recs.contains("N body line"), recs.toString());
        assertTrue(recs.indexOf("N body line") > recs.indexOf("N Subject: after"));
    }

    @Test
    void aHundredThousandHeadersAreAllHeaders() throws IOException {
        List<String> content = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) content.add("X-H" + i + ": v" + i);
        content.add("Subject: last");
        content.add("");
        content.add("body");
        Result r = run("", "remote", List.of("u@x.example"), content);
        assertEquals(CleanupStatus.OK, r.status());
        List<String> recs = r.records();
        int m = recs.indexOf("M ");
        assertEquals("N X-H0: v0", recs.get(m + 1));
        assertEquals("N X-H99999: v99999", recs.get(m + 100_000));
        assertEquals("N Subject: last", recs.get(m + 100_001));
        // the header section ends where the client ended it: cleanup adds nothing before the empty line
        assertEquals("N ", recs.get(m + 100_002 + (recs.get(m + 100_002).startsWith("N Message-Id") ? 2 : 0)).substring(0, 2));
    }

    @Test
    void obsoleteSpaceBeforeColonIsNormalised() throws IOException {
        Result r = run("", "remote", List.of("u@x.example"), List.of("Subject  : hi", "", "b"));
        assertTrue(r.records().contains("N Subject: hi"), r.records().toString());
    }

    @Test
    void addressesPastTheTokenLimitAreNotRewritten() {
        String value = " a, b, c, d";
        // tokens: a , b , c , d -> a limit of 3 keeps "a, b"
        assertEquals(" a, b".length(), AddressTokens.tokenCut(value, 3));
        assertEquals(value.length(), AddressTokens.tokenCut(value, 100));
        assertEquals(List.of("a", "b"), AddressTokens.addresses(value.substring(0, AddressTokens.tokenCut(value, 3))));
        assertEquals("\"q, r\" (c, d) <x@y> ".length(), AddressTokens.tokenCut("\"q, r\" (c, d) <x@y> , z", 7));
    }
}
