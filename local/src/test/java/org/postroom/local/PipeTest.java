package org.postroom.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postroom.global.mailbox.Message;
import org.postroom.global.mailbox.Verdict;
import org.postroom.global.proto.deliver.DeliverRequest;
import org.postroom.global.proto.deliver.DeliveryStatus.Outcome;

/** Command delivery: exit status mapping (spec 7.6), direct versus shell execution, time limit, stdin. */
class PipeTest {
    @TempDir
    Path tmp;
    Fixture fx;
    Message msg;
    Rights rights = new Rights(65534, 65534, "nobody", null, null);

    @BeforeEach
    void setUp() throws IOException {
        fx = new Fixture(tmp);
        DeliverRequest req = fx.queueFile("alice@example.org", "joe@mail.example.com", Fixture.SIMPLE);
        msg = new Message(fx.file(req), req.dataOffset(), 4096, req.sender(), false);
    }

    private Verdict run(String command, Duration limit) {
        Pipe p = new Pipe(new Privileges(false), limit, tmp, List.of());
        return p.run(command, rights, Map.of("RECIPIENT", "joe@mail.example.com"), msg, "joe", "joe@mail.example.com",
                ZonedDateTime.now(Fixture.CLOCK));
    }

    /** The last column is the Diagnostic-Code text of a report (type x-unix, as pipe_command.c's dsb_unix()). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "exit 0  | SENT     | 2.0.0 | delivered to command: exit 0 |",
            "exit 64 | BOUNCED  | 5.3.0 | command line usage error | command line usage error",
            "exit 65 | BOUNCED  | 5.6.0 | data format error | data format error",
            "exit 67 | BOUNCED  | 5.1.1 | user unknown | user unknown",
            "exit 68 | BOUNCED  | 5.1.2 | host name unknown | host name unknown",
            "exit 69 | BOUNCED  | 5.3.0 | service unavailable | service unavailable",
            "exit 70 | BOUNCED  | 5.3.0 | internal software error | internal software error",
            "exit 71 | DEFERRED | 4.3.0 | system resource problem | system resource problem",
            "exit 73 | BOUNCED  | 5.2.0 | can't create user output file | can't create user output file",
            "exit 74 | BOUNCED  | 5.3.0 | input/output error | input/output error",
            "exit 75 | DEFERRED | 4.3.0 | temporary failure | temporary failure",
            "exit 76 | BOUNCED  | 5.5.0 | remote error in protocol | remote error in protocol",
            "exit 77 | BOUNCED  | 5.7.0 | permission denied | permission denied",
            "exit 78 | BOUNCED  | 5.3.5 | local configuration error | local configuration error",
            "exit 3  | BOUNCED  | 5.3.0 | Command died with status 3: \"exit 3\" | unknown mail system error 3",
            "echo oops; exit 67 | BOUNCED | 5.1.1 | 'user unknown. Command output: oops ' | 'oops '",
            "echo oops; exit 3 | BOUNCED | 5.3.0 | 'Command died with status 3: \"echo oops; exit 3\". Command output: oops ' | 'oops '",
            "echo 4.2.2 mailbox full; exit 1 | DEFERRED | 4.2.2 | 'mailbox full ' | 'mailbox full '",
            "echo 5.7.1 go away >&2; exit 75 | BOUNCED | 5.7.1 | 'go away ' | 'go away '",
            "kill -9 $$ | DEFERRED | 4.3.0 | Command died with signal 9: \"kill -9 $$\" | internal software error",
    })
    void mapsExitStatus(String command, Outcome outcome, String dsn, String text, String diag) {
        Verdict expected = new Verdict(outcome, dsn, text);
        assertEquals(diag == null ? expected : expected.unix(diag), run(command, Duration.ofSeconds(30)));
    }

    @Test
    void timeLimit() {
        Verdict v = run("sleep 30", Duration.ofMillis(200));
        assertEquals(new Verdict(Outcome.BOUNCED, "5.3.0", "Command time limit exceeded: \"sleep 30\"").unix("internal software error"), v);
    }

    @Test
    void commandReadsMessageWithEnvelopeHeaders() throws IOException {
        Path out = tmp.resolve("out.txt");
        Verdict v = run("cat > " + out + "; echo \"RECIPIENT=$RECIPIENT PATH=$PATH\" >> " + out, Duration.ofSeconds(30));
        assertEquals(Outcome.SENT, v.outcome());
        String text = Files.readString(out);
        assertTrue(text.startsWith("From alice@example.org  Sat Nov 21 19:09:35 2026\nReturn-Path: <alice@example.org>\n"
                + "X-Original-To: joe\nDelivered-To: joe@mail.example.com\nReceived: by mail.example.com (Postfix)\n"), text);
        assertTrue(text.endsWith("\nbody\nRECIPIENT=joe@mail.example.com PATH=/usr/bin:/bin\n"), text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/bin/true                 | /bin/true",
            "true -x  y                | /usr/bin/true,-x,y",
            "cat > /tmp/x              | /bin/sh,-c,cat > /tmp/x",
            "exit 67                   | /bin/sh,-c,exit 67",
            "/usr/bin/foo $HOME        | /bin/sh,-c,/usr/bin/foo $HOME",
    })
    void runsDirectlyOnlyWithoutMetacharacters(String command, String argv) {
        List<String> expected = List.of(argv.split(","));
        List<String> actual = Pipe.argv(command);
        if (expected.getFirst().equals("/usr/bin/true") && actual.getFirst().equals("/bin/true")) {
            expected = actual; // merged-/usr systems resolve either way
        }
        assertEquals(expected, actual);
    }
}
