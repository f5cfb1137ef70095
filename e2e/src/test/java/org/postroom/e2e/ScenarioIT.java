package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.postroom.e2e.Scenarios.awaitLog;
import static org.postroom.e2e.Scenarios.message;
import static org.postroom.e2e.Scenarios.send;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.WaitFor;

/**
 * Issue 3 scenarios over real SMTP against a real instance whose tables are built with postmap(1) and
 * postalias(1): local aliases (:include:, file, command), .forward, user+ext, two virtual mailbox domains
 * (Maildir and mbox), virtual aliases that fan out across domains, canonical rewriting of the sender,
 * unknown users refused at RCPT, and loops that end instead of spinning. Each asserts the exact mailbox
 * contents (dates masked) and the Postfix log lines.
 */
class ScenarioIT {
    static MailSystem m;
    static final String USER = MailSystem.localUser();
    static Path root;

    @BeforeAll
    static void up() throws Exception {
        m = MailSystem.create("");
        root = m.root();
        boolean rootRun = MailSystem.isRoot();
        int uid = rootRun ? 65534 : (Integer) Files.getAttribute(root, "unix:uid");
        int gid = rootRun ? 65534 : (Integer) Files.getAttribute(root, "unix:gid");
        Files.createDirectories(root.resolve("vmail/v2.example"));
        Files.createDirectories(root.resolve("forward"));
        Path etc = m.etc();
        Files.writeString(etc.resolve("main.cf"), Files.readString(etc.resolve("main.cf")) + """
                recipient_delimiter = +
                forward_path = %1$s/forward/${user}${recipient_delimiter}${extension}, %1$s/forward/${user}
                virtual_mailbox_domains = v1.example, v2.example
                virtual_mailbox_maps = hash:%1$s/etc/vmailbox
                virtual_mailbox_base = %1$s/vmail
                virtual_uid_maps = static:%2$d
                virtual_gid_maps = static:%3$d
                virtual_alias_maps = hash:%1$s/etc/virtual
                sender_canonical_maps = hash:%1$s/etc/sender_canonical
                """.formatted(root, uid, gid));
        Files.writeString(etc.resolve("aliases"), """
                postmaster: %2$s
                team: :include:%1$s/etc/team.list
                archive: %1$s/out/archive.mbox
                pipe: "|/bin/cat > %1$s/out/pipe.out"
                loopa: loopb@localhost
                loopb: loopa@localhost
                """.formatted(root, USER));
        Files.writeString(etc.resolve("team.list"), "# the team\n" + USER + "\n");
        Files.writeString(etc.resolve("vmailbox"), """
                ann@v1.example       v1.example/ann/
                fwdcopy@v1.example   v1.example/fwdcopy/
                bob@v2.example       v2.example/bob
                """);
        Files.writeString(etc.resolve("virtual"), """
                valias.example        virtual alias domain
                sales@valias.example  ann@v1.example, bob@v2.example, %s@localhost
                l1@v1.example         l2@v1.example
                l2@v1.example         l1@v1.example
                """.formatted(USER));
        Files.writeString(etc.resolve("sender_canonical"), "carol@mail.example.com  Carol.Jones@example.com\n");
        Files.writeString(root.resolve("forward/" + USER + "+fwd"), "\\" + USER + ", fwdcopy@v1.example\n");
        Files.setPosixFilePermissions(root.resolve("forward/" + USER + "+fwd"), PosixFilePermissions.fromString("rw-r--r--"));
        build("postalias", "hash:" + etc.resolve("aliases"));
        for (String t : List.of("vmailbox", "virtual", "sender_canonical")) build("postmap", "hash:" + etc.resolve(t));
        m.start();
        WaitFor.condition("virtual(8) socket", Scenarios.WAIT, () -> m.socketsPresent("private/virtual"));
    }

    private static void build(String tool, String table) {
        MailSystem.Result r = m.tool(tool, null, table);
        assertEquals(0, r.status(), tool + " " + table + ": " + r.stderr());
    }

    @AfterAll
    static void down() {
        if (m != null) m.close();
    }

    private static String received(String id, String rcpt) {
        return "Received: from client.example.org (localhost [127.0.0.1])\n\tby mail.example.com (Postfix) with ESMTP id " + id
                + (rcpt == null ? ";\n\tDATE\n" : "\n\tfor <" + rcpt + ">; DATE\n");
    }

    private static String masked(String subject, String from, String to) {
        return Scenarios.masked(message(from, to, subject));
    }

    @Test
    void includeFileIsResubmitted() throws Exception {
        String id = send(m, "alice@example.org", List.of("team@localhost"), message("alice@example.org", "team@localhost", "include"));
        awaitLog(m, "local", id + ": to=<team@localhost>, relay=local, delay=*, delays=*, dsn=2.0.0, status=sent (forwarded as #ID)");
        String id2 = Scenarios.forwardedAs(m, id + ": to=<team@localhost>");
        awaitLog(m, "local", id2 + ": to=<" + USER + "@mail.example.com>, orig_to=<team@localhost>, relay=local, delay=*, "
                + "delays=*, dsn=2.0.0, status=sent (delivered to maildir)");
        assertEquals("Return-Path: <alice@example.org>\nX-Original-To: team@localhost\nDelivered-To: " + USER + "@mail.example.com\n"
                + "Received: by mail.example.com (Postfix)\n\tid " + id2 + "; DATE\nDelivered-To: team@localhost\n"
                + received(id, "team@localhost") + masked("include", "alice@example.org", "team@localhost"),
                Scenarios.maildirMessage(m.spoolMaildir(USER), "Subject: include"));
    }

    @Test
    void aliasToFile() throws Exception {
        String id = send(m, "alice@example.org", List.of("archive@localhost"), message("alice@example.org", "archive@localhost", "file"));
        Path box = root.resolve("out/archive.mbox");
        awaitLog(m, "local", id + ": to=<archive@localhost>, relay=local, delay=*, delays=*, dsn=2.0.0, status=sent (delivered to file: "
                + box + ")");
        assertEquals("From alice@example.org  DATE\nReturn-Path: <alice@example.org>\nX-Original-To: archive@localhost\n"
                + "Delivered-To: archive@localhost\n" + received(id, "archive@localhost")
                + masked("file", "alice@example.org", "archive@localhost").replace("\nFrom the start", "\n>From the start") + "\n",
                Scenarios.fileWith(box, "Subject: file"));
    }

    @Test
    void aliasToCommand() throws Exception {
        String id = send(m, "alice@example.org", List.of("pipe@localhost"), message("alice@example.org", "pipe@localhost", "command"));
        awaitLog(m, "local", id + ": to=<pipe@localhost>, relay=local, delay=*, delays=*, dsn=2.0.0, status=sent (delivered to command: "
                + "/bin/cat > " + root + "/out/pipe.out)");
        assertEquals("From alice@example.org  DATE\nReturn-Path: <alice@example.org>\nX-Original-To: pipe@localhost\n"
                + "Delivered-To: pipe@localhost\n" + received(id, "pipe@localhost") + masked("command", "alice@example.org", "pipe@localhost"),
                Scenarios.fileWith(root.resolve("out/pipe.out"), "Subject: command"));
    }

    @Test
    void dotForwardKeepsACopyAndForwardsToAVirtualMailbox() throws Exception {
        String rcpt = USER + "+fwd@localhost";
        String id = send(m, "alice@example.org", List.of(rcpt), message("alice@example.org", rcpt, "dotforward"));
        awaitLog(m, "local", id + ": to=<" + rcpt + ">, relay=local, delay=*, delays=*, dsn=2.0.0, status=sent (delivered to maildir)");
        awaitLog(m, "local", id + ": to=<" + rcpt + ">, relay=local, delay=*, delays=*, dsn=2.0.0, status=sent (forwarded as #ID)");
        String id2 = Scenarios.forwardedAs(m, id + ": to=<" + rcpt + ">");
        awaitLog(m, "virtual", id2 + ": to=<fwdcopy@v1.example>, orig_to=<" + rcpt + ">, relay=virtual, delay=*, delays=*, dsn=2.0.0, "
                + "status=sent (delivered to maildir)");
        assertEquals("Return-Path: <alice@example.org>\nX-Original-To: " + rcpt + "\nDelivered-To: " + rcpt + "\n"
                + received(id, rcpt) + masked("dotforward", "alice@example.org", rcpt),
                Scenarios.maildirMessage(m.spoolMaildir(USER), "Subject: dotforward"));
        assertEquals("Return-Path: <alice@example.org>\nX-Original-To: " + rcpt + "\nDelivered-To: fwdcopy@v1.example\n"
                + "Received: by mail.example.com (Postfix)\n\tid " + id2 + "; DATE\nDelivered-To: " + rcpt + "\n"
                + received(id, rcpt) + masked("dotforward", "alice@example.org", rcpt),
                Scenarios.maildirMessage(root.resolve("vmail/v1.example/fwdcopy"), "Subject: dotforward"));
    }

    @Test
    void twoVirtualDomainsMaildirAndMbox() throws Exception {
        String id = send(m, "alice@example.org", List.of("ann@v1.example", "bob@v2.example"),
                message("alice@example.org", "ann@v1.example, bob@v2.example", "virtual"));
        awaitLog(m, "virtual", id + ": to=<ann@v1.example>, relay=virtual, delay=*, delays=*, dsn=2.0.0, status=sent (delivered to maildir)");
        awaitLog(m, "virtual", id + ": to=<bob@v2.example>, relay=virtual, delay=*, delays=*, dsn=2.0.0, status=sent (delivered to mailbox)");
        String body = received(id, null) + masked("virtual", "alice@example.org", "ann@v1.example, bob@v2.example");
        assertEquals("Return-Path: <alice@example.org>\nX-Original-To: ann@v1.example\nDelivered-To: ann@v1.example\n" + body,
                Scenarios.maildirMessage(root.resolve("vmail/v1.example/ann"), "Subject: virtual\n"));
        String msg = Scenarios.mboxMessage(root.resolve("vmail/v2.example/bob"), "Subject: virtual\n");
        assertEquals("From alice@example.org  DATE\nReturn-Path: <alice@example.org>\nX-Original-To: bob@v2.example\n"
                + "Delivered-To: bob@v2.example\n" + body.replace("\nFrom the start", "\n>From the start") + "\n", msg);
    }

    @Test
    void virtualAliasFansOutAcrossDomains() throws Exception {
        String id = send(m, "alice@example.org", List.of("sales@valias.example"),
                message("alice@example.org", "sales@valias.example", "fanout"));
        for (String[] d : new String[][] {{"virtual", "ann@v1.example", "maildir"}, {"virtual", "bob@v2.example", "mailbox"},
                {"local", USER + "@localhost", "maildir"}}) {
            awaitLog(m, d[0], id + ": to=<" + d[1] + ">, orig_to=<sales@valias.example>, relay=" + d[0]
                    + ", delay=*, delays=*, dsn=2.0.0, status=sent (delivered to " + d[2] + ")");
        }
        String body = received(id, "sales@valias.example") + masked("fanout", "alice@example.org", "sales@valias.example");
        assertEquals("Return-Path: <alice@example.org>\nX-Original-To: sales@valias.example\nDelivered-To: ann@v1.example\n" + body,
                Scenarios.maildirMessage(root.resolve("vmail/v1.example/ann"), "Subject: fanout"));
        assertEquals("Return-Path: <alice@example.org>\nX-Original-To: sales@valias.example\nDelivered-To: " + USER + "@localhost\n" + body,
                Scenarios.maildirMessage(m.spoolMaildir(USER), "Subject: fanout"));
        assertEquals("From alice@example.org  DATE\nReturn-Path: <alice@example.org>\nX-Original-To: sales@valias.example\n"
                + "Delivered-To: bob@v2.example\n" + body.replace("\nFrom the start", "\n>From the start") + "\n",
                Scenarios.mboxMessage(root.resolve("vmail/v2.example/bob"), "Subject: fanout"));
    }

    @Test
    void canonicalSender() throws Exception {
        String rcpt = USER + "@localhost";
        String id = send(m, "carol", List.of(rcpt), message("Carol <carol>", rcpt, "canonical"));
        awaitLog(m, "qmgr", id + ": from=<Carol.Jones@example.com>, size=*, nrcpt=1 (queue active)");
        awaitLog(m, "local", id + ": to=<" + rcpt + ">, relay=local, delay=*, delays=*, dsn=2.0.0, status=sent (delivered to maildir)");
        assertEquals("Return-Path: <Carol.Jones@example.com>\nX-Original-To: " + rcpt + "\nDelivered-To: " + rcpt + "\n"
                + received(id, rcpt) + masked("canonical", "Carol <Carol.Jones@example.com>", rcpt),
                Scenarios.maildirMessage(m.spoolMaildir(USER), "Subject: canonical"));
    }

    @Test
    void userPlusExtension() throws Exception {
        String rcpt = USER + "+tag@localhost";
        String id = send(m, "alice@example.org", List.of(rcpt), message("alice@example.org", rcpt, "extension"));
        awaitLog(m, "local", id + ": to=<" + rcpt + ">, relay=local, delay=*, delays=*, dsn=2.0.0, status=sent (delivered to maildir)");
        assertEquals("Return-Path: <alice@example.org>\nX-Original-To: " + rcpt + "\nDelivered-To: " + rcpt + "\n"
                + received(id, rcpt) + masked("extension", "alice@example.org", rcpt),
                Scenarios.maildirMessage(m.spoolMaildir(USER), "Subject: extension"));
    }

    @Test
    void unknownUsersAreRefusedAtRcpt() throws Exception {
        String[][] cases = {
            {"nosuchuser@localhost", "local recipient table"},
            {"nobody@v1.example", "virtual mailbox table"},
            {"nobody@valias.example", "virtual alias table"}};
        for (String[] c : cases) {
            String reply = "550 5.1.1 <" + c[0] + ">: Recipient address rejected: User unknown in " + c[1];
            assertEquals(reply, Scenarios.rcptReply(m, "alice@example.org", c[0]));
            awaitLog(m, "smtpd", "NOQUEUE: reject: RCPT from localhost[127.0.0.1]: " + reply + "; from=<alice@example.org> to=<"
                    + c[0] + "> proto=ESMTP helo=<client.example.org>");
        }
    }

    @Test
    void loopsEndInsteadOfSpinning() throws Exception {
        String id = send(m, "alice@example.org", List.of("loopa@localhost"), message("alice@example.org", "loopa@localhost", "loop"));
        awaitLog(m, "local", "warning: alias database loop for loopb");
        awaitLog(m, "local", id + ": to=<loopb@localhost>, orig_to=<loopa@localhost>, relay=local, delay=*, delays=*, dsn=5.4.6, "
                + "status=bounced (alias database loop for loopb)");
        String reply = Scenarios.transaction(m, "alice@example.org", List.of("l1@v1.example"),
                message("alice@example.org", "l1@v1.example", "virtual loop"));
        assertEquals("451 4.6.0 Alias expansion error", reply);
        java.util.regex.Pattern warning = java.util.regex.Pattern.compile("(?m)^.* postfix/cleanup\\[\\d+\\]: warning: [0-9A-F]+: "
                + "unreasonable virtual_alias_maps map nesting for l1@v1\\.example -- message not accepted, try again later$");
        WaitFor.condition("cleanup nesting warning", Scenarios.WAIT, () -> warning.matcher(m.log()).find());
    }
}
