package org.postroom.tools.sendmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SendmailOptionsTest {
    /** args, then the expected Invocation rendered by {@link #render}. */
    record Case(String args, String want) {
        @Override
        public String toString() {
            return args;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("bob", "ENQUEUE dot from=null rcpt=[bob]"),
                new Case("-t -i alice", "ENQUEUE extract from=null rcpt=[alice]"),
                new Case("-ti alice", "ENQUEUE extract from=null rcpt=[alice]"),
                new Case("-oi -f bob@x -F Bob a b", "ENQUEUE from=bob@x name=Bob rcpt=[a, b]"),
                new Case("-fbob@x -r carol a", "ENQUEUE dot from=carol rcpt=[a]"),
                new Case("-f <> a", "ENQUEUE dot from=<> rcpt=[a]"),
                new Case("-f -t a", "ENQUEUE dot from=-t rcpt=[a]"),
                new Case("a -t -i", "ENQUEUE dot from=null rcpt=[a, -t, -i]"),
                new Case("-i -- -a", "ENQUEUE from=null rcpt=[-a]"),
                new Case("-bm a", "ENQUEUE dot from=null rcpt=[a]"),
                new Case("-bp", "MAILQ dot from=null rcpt=[]"),
                new Case("-bs", "USER dot from=null rcpt=[]"),
                new Case("-bi", "NEWALIAS dot from=null rcpt=[]"),
                new Case("-I", "NEWALIAS dot from=null rcpt=[]"),
                new Case("-bd", "DAEMON dot from=null rcpt=[]"),
                new Case("-bh", "IGNORE dot from=null rcpt=[]"),
                new Case("-q", "FLUSHQ dot from=null rcpt=[]"),
                new Case("-q1h", "IGNORE dot from=null rcpt=[]"),
                new Case("-qRexample.com", "ENQUEUE dot from=null site=example.com rcpt=[]"),
                new Case("-qIABC123", "ENQUEUE dot from=null id=ABC123 rcpt=[]"),
                new Case("-G -B 8BITMIME -N success,delay -V env1 a",
                        "ENQUEUE dot from=null remote enc=8bit envid=env1 notify=10 rcpt=[a]"),
                new Case("-N never,success a", "ENQUEUE dot from=null rcpt=[a]"),
                new Case("-oXfoo -om -o8 -R hdrs -U -n -Am -L x -O a=b -h 5 -e q -p smtp -c -x -m -XV a",
                        "ENQUEUE dot from=null rcpt=[a]"),
                // sendmail.c: -bv asks for an address probe; one -v in delivery mode for verbose delivery, more for logging
                new Case("-bv a b", "ENQUEUE dot from=null trace=512 rcpt=[a, b]"),
                new Case("-bv -bm a", "ENQUEUE dot from=null trace=512 rcpt=[a]"),
                new Case("-f s -v a", "ENQUEUE dot from=s trace=1024 rcpt=[a]"),
                new Case("-v -v a", "ENQUEUE dot from=null verbose=2 rcpt=[a]"),
                new Case("-vv -bv a", "ENQUEUE dot from=null verbose=2 trace=512 rcpt=[a]"),
                new Case("-v -bp", "MAILQ dot from=null verbose=1 rcpt=[]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void interprets(Case c) throws Fatal {
        assertEquals(c.want(), render(parse(c.args())));
    }

    record Bad(String args, String fatal) {
        @Override
        public String toString() {
            return args;
        }
    }

    static List<Bad> bad() {
        return List.of(
                new Bad("-bx", "unsupported: -bx"),
                new Bad("-bv -t a", "-t option cannot be used with -bv"),
                new Bad("-bv -N success a", "-N option cannot be used with -bv"),
                new Bad("-v -bv a", "-v option cannot be used with -bv"),
                new Bad("-t -bp", "-t can be used only in delivery mode"),
                new Bad("-B 9BIT a", "-B option needs 8BITMIME or 7BIT"),
                new Bad("-qR", "specify: -qRsitename"),
                new Bad("-qI", "specify: -qIqueueid"),
                new Bad("-qX", "-qX is not implemented"),
                new Bad("-qRsite -bp", "-qR can be used only in delivery mode"),
                new Bad("-XQ a", "unsupported: -XQ"),
                new Bad("-oA a", "-oA requires pathname"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void rejects(Bad b) {
        Fatal f = assertThrows(Fatal.class, () -> parse(b.args()));
        assertEquals(b.fatal(), f.getMessage());
    }

    @Test
    void unknownOptionIsAUsageErrorWithTempfail() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Sendmail s = new Sendmail();
            assertEquals(75, s.commandLine().execute(s.preScan(new String[] {"-k", "a"})));
        } finally {
            System.setErr(saved);
        }
        assertEquals("sendmail: fatal: usage: sendmail [options]", err.toString(StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b).orElse(""));
    }

    @Test
    void emptySenderArgument() throws Fatal {
        Invocation inv = parse(new String[] {"-f", "", "a"});
        assertEquals("", inv.sender());
        assertEquals("", Submitter.envelope(inv, 0, "root", null).sender());
    }

    @Test
    void envelopeFromArguments() throws Fatal {
        Invocation inv = parse("-f Alice<alice@example.org> -F Alice a@x,b@y '' c");
        Postdrop.Envelope env = Submitter.envelope(inv, 0, "root", "gecos");
        assertEquals("alice@example.org", env.sender());
        assertEquals("Alice", env.fullName());
        assertEquals(List.of("a@x", "b@y", "", "c"), env.recipients());
        Postdrop.Envelope dflt = Submitter.envelope(parse("a"), 0, "root", "Charlie Root");
        assertEquals("root", dflt.sender());
        assertEquals("Charlie Root", dflt.fullName());
        Fatal f = assertThrows(Fatal.class, () -> Submitter.envelope(parse("a"), 4242, null, null));
        assertEquals("no login name found for user ID 4242", f.getMessage());
    }

    static Invocation parse(String args) throws Fatal {
        return parse(args.isEmpty() ? new String[0]
                : java.util.Arrays.stream(args.split(" ")).map(a -> a.equals("''") ? "" : a).toArray(String[]::new));
    }

    static Invocation parse(String[] args) throws Fatal {
        Sendmail s = new Sendmail();
        s.commandLine().parseArgs(s.preScan(args));
        return s.interpret();
    }

    private static String render(Invocation i) {
        StringBuilder b = new StringBuilder(i.mode().toString());
        if (i.extract()) b.append(" extract");
        if (i.dotEnds()) b.append(" dot");
        b.append(" from=").append(i.sender());
        if (i.fullName() != null) b.append(" name=").append(i.fullName());
        if (i.rewriteContext().equals("remote")) b.append(" remote");
        if (i.encoding() != null) b.append(" enc=").append(i.encoding());
        if (i.envid() != null) b.append(" envid=").append(i.envid());
        if (i.notifyFlags() != 0) b.append(" notify=").append(i.notifyFlags());
        if (i.flushSite() != null) b.append(" site=").append(i.flushSite());
        if (i.flushId() != null) b.append(" id=").append(i.flushId());
        if (i.verbose() != 0) b.append(" verbose=").append(i.verbose());
        if (i.traceFlags() != 0) b.append(" trace=").append(i.traceFlags());
        return b.append(" rcpt=").append(i.recipients()).toString();
    }
}
