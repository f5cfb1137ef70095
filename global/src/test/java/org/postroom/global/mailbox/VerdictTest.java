package org.postroom.global.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.postroom.global.proto.bounce.BounceLog;
import org.postroom.global.proto.deliver.DeliverRequest;

/** The bounce log entry of a result: the DSN's formal fields as Postfix's dsb_simple(), dsb_unix() and dsb_formal() set them. */
class VerdictTest {
    private static final DeliverRequest.Recipient RCPT = new DeliverRequest.Recipient(42, "failcmd", "failcmd@mail.example.com",
            "rfc822;failcmd@mail.example.com", 0);

    @Test
    void simpleLocalFailureHasNoDiagnostic() {
        BounceLog.Entry e = Verdict.bounce("5.1.1", "unknown user: \"nosuch\"").entry(RCPT, "failed");
        assertEquals(new BounceLog.Entry("failcmd@mail.example.com", "failcmd", 42, "rfc822;failcmd@mail.example.com", 0, "5.1.1",
                "failed", "", "", "", "", "unknown user: \"nosuch\""), e);
    }

    @Test
    void commandOrFileFailureIsXUnix() {
        BounceLog.Entry e = Verdict.bounce("5.1.1", "user unknown").unix("user unknown").entry(RCPT, "failed");
        assertEquals("x-unix", e.diagType());
        assertEquals("user unknown", e.diagText());
        assertEquals("", e.mtaType());
        assertEquals("", e.mtaName());
    }

    @Test
    void remoteReplyIsSmtpFromDns() {
        BounceLog.Entry e = Verdict.bounce("5.1.1", "host x said: 550 no").remote("127.0.0.1", "550 5.1.1 no").entry(RCPT, "failed");
        assertEquals(java.util.List.of("smtp", "550 5.1.1 no", "dns", "127.0.0.1"), java.util.List.of(e.diagType(), e.diagText(),
                e.mtaType(), e.mtaName()));
    }

    @Test
    void softBounceDefersAndKeepsTheFormalFields() {
        Verdict v = Verdict.bounce("5.1.1", "host x said: 550 no").remote("127.0.0.1", "550 5.1.1 no").soft();
        assertEquals(new Verdict(org.postroom.global.proto.deliver.DeliveryStatus.Outcome.DEFERRED, "4.1.1", "host x said: 550 no",
                "127.0.0.1", "smtp", "550 5.1.1 no"), v);
        assertEquals(new org.postroom.global.proto.deliver.DeliveryStatus(7, v.outcome(), "4.1.1", "host x said: 550 no", "127.0.0.1",
                "smtp", "550 5.1.1 no"), v.status(7));
    }
}
