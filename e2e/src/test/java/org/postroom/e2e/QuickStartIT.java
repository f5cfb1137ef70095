package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.WaitFor;

/**
 * README command 1, as a new user meets it: {@code ./postroom.sh start} on a fresh instance makes a
 * self-signed certificate, listens on 2525 (STARTTLS offered), 2587 (submission: STARTTLS, then AUTH) and
 * 2465 (submissions: TLS at connect), and prints how to add a user and send with AUTH. The test follows
 * those printed instructions word for word (postpasswd, then the curl and swaks command lines, with the
 * password filled in) and finds both messages in the Maildir, sent as that user over TLS. A second start
 * keeps the certificate and the user.
 */
class QuickStartIT {
    private static final Path REPO = MailSystem.DIST.getParent().getParent().getParent();

    private static boolean free(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void printedInstructionsWork() throws Exception {
        assumeTrue(MailSystem.isRoot() && LocalDeliveryIT.onPath("curl") && LocalDeliveryIT.onPath("swaks"), "needs root, curl and swaks");
        assumeTrue(free(2525) && free(2587) && free(2465), "the embedded instance's ports 2525, 2587 and 2465 are in use");
        Path inst = Files.createTempDirectory("quickstart", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Map<String, String> env = Map.of("POSTROOM_INSTANCE", inst.toString(), "POSTROOM_NO_BUILD", "1");
        String user = MailSystem.localUser();
        try {
            MailSystem.Result start = MailSystem.run(List.of(REPO.resolve("postroom.sh").toString(), "start"), null, env, Duration.ofSeconds(120));
            assertEquals(0, start.status(), start.stdout() + start.stderr());
            String out = start.stdout();
            assertTrue(out.contains("submission on 2587 and 2465"), out);
            Matcher passwd = Pattern.compile("\n  (\\S+/postpasswd -c \\S+ you@example.org)\n").matcher(out);
            assertTrue(passwd.find(), out);
            MailSystem.Result pw = MailSystem.run(List.of("sh", "-c", passwd.group(1)), "Tr0ub4dor&3\n", Map.of(), Duration.ofSeconds(60));
            assertEquals(0, pw.status(), pw.stderr());

            // the curl line (two lines joined at the backslash), then the swaks line, as printed
            Matcher curl = Pattern.compile("\n  (printf .*curl .*)\\\\\n\\s+(--user .*)\n").matcher(out);
            assertTrue(curl.find(), out);
            String curlLine = (curl.group(1) + curl.group(2)).replace("PASSWORD", "Tr0ub4dor&3");
            Matcher swaks = Pattern.compile("\n  (swaks .*)\n").matcher(out);
            assertTrue(swaks.find(), out);
            String swaksLine = swaks.group(1).replace("PASSWORD", "'Tr0ub4dor&3'");
            for (String line : List.of(curlLine, swaksLine)) {
                MailSystem.Result r = MailSystem.run(List.of("bash", "-c", line), null, Map.of(), Duration.ofSeconds(60));
                assertEquals(0, r.status(), line + "\n" + r.stdout() + r.stderr());
            }
            Path maildir = inst.resolve("mail").resolve(user);
            WaitFor.condition("two messages in " + maildir, Duration.ofSeconds(30), () -> MailSystem.maildir(maildir).size() == 2);
            List<String> texts = new ArrayList<>();
            for (Path p : MailSystem.maildir(maildir)) texts.add(Files.readString(p));
            for (String t : texts) {
                assertTrue(t.contains("(Authenticated sender: you@example.org)"), t);
                assertTrue(t.matches("(?s).*\tby localhost\\.localdomain \\(Postfix\\) with ESMTPSA id .*"), t);
                assertTrue(t.contains("\t(using TLSv1.3 with cipher "), t);
            }
            String log = Files.readString(inst.resolve("log/maillog"));
            assertTrue(log.contains("postfix/submission/smtpd["), log);
            assertTrue(log.contains("postfix/submissions/smtpd["), log);
            assertTrue(log.contains("sasl_username=you@example.org"), log);
            assertTrue(!log.contains("Tr0ub4dor"), "no password in the log");

            // STARTTLS on 2525 too
            try (RawSmtp c = new RawSmtp(2525)) {
                c.reply();
                assertTrue(c.send("EHLO me.example").contains("250-STARTTLS"));
            }
            // a second start keeps the certificate and the users
            List<Path> certs;
            try (var s = Files.list(inst.resolve("etc"))) {
                certs = s.filter(p -> p.getFileName().toString().startsWith("cert-")).toList();
            }
            assertEquals(1, certs.size(), certs.toString());
            MailSystem.run(List.of(REPO.resolve("postroom.sh").toString(), "stop"), null, env, Duration.ofSeconds(60));
            start = MailSystem.run(List.of(REPO.resolve("postroom.sh").toString(), "start"), null, env, Duration.ofSeconds(120));
            assertEquals(0, start.status(), start.stdout() + start.stderr());
            assertTrue(start.stdout().contains(certs.get(0).toString()), start.stdout());
            MailSystem.Result again = MailSystem.run(List.of("bash", "-c", curlLine), null, Map.of(), Duration.ofSeconds(60));
            assertEquals(0, again.status(), again.stdout() + again.stderr());
        } finally {
            MailSystem.run(List.of(REPO.resolve("postroom.sh").toString(), "stop"), null, env, Duration.ofSeconds(60));
            MailSystem.run(List.of("rm", "-rf", inst.toString()), null, Map.of(), Duration.ofSeconds(60));
        }
    }
}
