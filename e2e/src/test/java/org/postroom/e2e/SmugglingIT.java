package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.PostfixServer;
import org.postroom.testkit.WaitFor;

/**
 * SMTP smuggling (CVE-2023-51764), differentially: the same byte streams go to Postroom and to a
 * private Debian Postfix 3.7.11 with the same smtpd_forbid_bare_newline setting, for a client outside
 * and inside mynetworks, and both must give the same replies and queue the same messages with the same
 * bodies. Each stream tries to end DATA early with a non-standard sequence and to run a second
 * transaction (DATA or BDAT) from inside the message.
 */
class SmugglingIT {
    private static final String RCPT = MailSystem.localUser() + "@localhost";
    /** The envelope sender of every smuggled transaction: a queued message from it is a smuggled one. */
    static final String SMUGGLED_SENDER = "evil@example.org";

    /**
     * The attacks: what follows "DATA" up to the QUIT. Every one also ends in a real CRLF.CRLF. Shared
     * with {@link TlsProbesIT}, which sends them over TLS on the submission ports.
     */
    static final Map<String, String> ATTACKS = new LinkedHashMap<>();

    static {
        String tx = "MAIL FROM:<" + SMUGGLED_SENDER + ">\r\nRCPT TO:<" + RCPT + ">\r\n";
        ATTACKS.put("LF.CRLF then DATA", "Subject: x\r\n\r\nline\n.\r\n" + tx + "DATA\r\nSubject: smuggled\r\n\r\nevil\r\n.\r\n");
        ATTACKS.put("LF.CRLF then BDAT", "Subject: x\r\n\r\nline\n.\r\n" + tx + "BDAT 10 LAST\r\nsmuggled\r\n\r\n.\r\n");
        ATTACKS.put("CRLF.LF then BDAT", "Subject: x\r\n\r\nline\r\n.\n" + tx + "BDAT 10 LAST\r\nsmuggled\r\n\r\n.\r\n");
        ATTACKS.put("LF.LF then DATA", "Subject: x\r\n\r\nline\n.\n" + tx + "DATA\r\nSubject: smuggled\r\n\r\nevil\r\n.\r\n");
        ATTACKS.put("x LF.CRLF y", "Subject: x\r\n\r\nx\n.\r\ny\r\n.\r\n");
        ATTACKS.put("plain", "Subject: x\r\n\r\n..dot\r\nend\r\n.\r\n");
    }

    @Test
    void outsideMynetworksNormalize() throws Exception {
        compare("mynetworks = 127.0.0.2/32\nsmtpd_forbid_bare_newline = normalize\nsmtpd_forbid_unauth_pipelining = no\n");
    }

    @Test
    void outsideMynetworksReject() throws Exception {
        compare("mynetworks = 127.0.0.2/32\nsmtpd_forbid_bare_newline = reject\nsmtpd_forbid_unauth_pipelining = no\n");
    }

    @Test
    void insideMynetworksNormalize() throws Exception {
        compare("mynetworks = 127.0.0.0/8\nsmtpd_forbid_bare_newline = normalize\nsmtpd_forbid_unauth_pipelining = no\n");
    }

    private static void compare(String cf) throws Exception {
        assumeTrue(MailSystem.isRoot() && PostfixServer.available(), "needs root and Debian's postfix");
        try (MailSystem pr = MailSystem.create(cf); PostfixServer pf = PostfixServer.start(MailSystem.freePort(), cf)) {
            pr.start();
            List<String> prReplies = new ArrayList<>();
            List<String> pfReplies = new ArrayList<>();
            for (Map.Entry<String, String> a : ATTACKS.entrySet()) {
                byte[] stream = ("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<" + RCPT + ">\r\nDATA\r\n"
                        + a.getValue() + "QUIT\r\n").getBytes(StandardCharsets.ISO_8859_1);
                prReplies.add(a.getKey() + ": " + dialog(pr.port(), stream));
                pfReplies.add(a.getKey() + ": " + dialog(pf.port(), stream));
            }
            assertEquals(String.join("\n", pfReplies), String.join("\n", prReplies), "replies, Postfix vs Postroom");
            int queued = String.join(" | ", pfReplies).split("queued as", -1).length - 1;
            WaitFor.condition("Postfix holds " + queued, Duration.ofSeconds(20), () -> held(pf) == queued);
            Path md = pr.spoolMaildir(MailSystem.localUser());
            WaitFor.condition("Postroom delivers " + queued, Duration.ofSeconds(30), () -> MailSystem.maildir(md).size() == queued);
            List<String> pfBodies = new ArrayList<>();
            for (String id : pf.held()) pfBodies.add(pf.body(id).replaceFirst("^\n", ""));
            List<String> prBodies = new ArrayList<>();
            for (Path f : MailSystem.maildir(md)) {
                String m = Files.readString(f, StandardCharsets.ISO_8859_1);
                prBodies.add(m.substring(m.indexOf("\n\n") + 2));
            }
            assertEquals(pfBodies.stream().sorted().toList(), prBodies.stream().sorted().toList(), "message bodies");
        }
    }

    private static int held(PostfixServer pf) {
        try {
            return pf.held().size();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Sends the stream at once and returns the reply lines after EHLO's, queue IDs replaced. */
    private static String dialog(int port, byte[] stream) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] b = new byte[4096];
            // the banner first, so that nothing counts as talking before the greeting
            while (!got.toString(StandardCharsets.ISO_8859_1).contains("\r\n")) {
                int n = in.read(b);
                if (n < 0) break;
                got.write(b, 0, n);
            }
            s.getOutputStream().write(stream);
            try {
                for (int n; (n = in.read(b)) >= 0; ) got.write(b, 0, n);
            } catch (SocketTimeoutException e) {
                got.write("<no reply: timeout>\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            List<String> lines = new ArrayList<>(got.toString(StandardCharsets.ISO_8859_1).lines()
                    .filter(l -> !l.startsWith("250-") && !l.startsWith("220 "))
                    .map(l -> l.replaceAll("queued as [0-9A-Za-z]+", "queued as ID"))
                    .toList());
            if (!lines.isEmpty()) lines.removeFirst(); // EHLO's last line: the keyword lists differ
            return String.join(" | ", lines);
        }
    }
}
