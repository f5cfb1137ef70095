package org.postroom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.postroom.e2e.Scenarios.awaitLog;
import static org.postroom.e2e.Scenarios.message;
import static org.postroom.e2e.Scenarios.send;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postroom.testkit.PostgresServer;
import org.postroom.testkit.WaitFor;

/**
 * pgsql: tables against a real PostgreSQL started by the test: virtual mailbox domains, mailboxes and
 * aliases come from SQL. Stopping PostgreSQL turns RCPT into "451 4.3.0 ... Temporary lookup failure" and
 * keeps submitted mail queued (cleanup refuses it temporarily, pickup keeps the file); once the server is
 * back, mail flows again, the held message included.
 */
class PgsqlIT {
    static PostgresServer pg;
    static MailSystem m;
    static Path root;

    @BeforeAll
    static void up() throws Exception {
        Assumptions.assumeTrue(PostgresServer.available(), PostgresServer.unavailableReason());
        pg = PostgresServer.start("mail", "postroom", "s3cret");
        pg.psql("mail", """
                CREATE TABLE domains (domain text PRIMARY KEY);
                CREATE TABLE mailbox (email text PRIMARY KEY, maildir text NOT NULL);
                CREATE TABLE alias (address text PRIMARY KEY, goto text NOT NULL);
                INSERT INTO domains VALUES ('sqlmail.example');
                INSERT INTO mailbox VALUES ('ann@sqlmail.example', 'sqlmail.example/ann/'), ('bob@sqlmail.example', 'sqlmail.example/bob');
                INSERT INTO alias VALUES ('sqlalias.example', 'sqlalias.example'),
                    ('team@sqlalias.example', 'ann@sqlmail.example, bob@sqlmail.example');
                GRANT SELECT ON domains, mailbox, alias TO postroom;
                """);
        m = MailSystem.create("");
        root = m.root();
        Files.createDirectories(root.resolve("vmail/sqlmail.example"));
        int uid = MailSystem.isRoot() ? 65534 : (Integer) Files.getAttribute(root, "unix:uid");
        int gid = MailSystem.isRoot() ? 65534 : (Integer) Files.getAttribute(root, "unix:gid");
        table("vdomains.cf", "SELECT domain FROM domains WHERE domain='%s'");
        table("vmailbox.cf", "SELECT maildir FROM mailbox WHERE email='%s'");
        table("valias.cf", "SELECT goto FROM alias WHERE address='%s'");
        Path etc = m.etc();
        Files.writeString(etc.resolve("main.cf"), Files.readString(etc.resolve("main.cf")) + """
                virtual_mailbox_domains = pgsql:%1$s/etc/vdomains.cf
                virtual_mailbox_maps = pgsql:%1$s/etc/vmailbox.cf
                virtual_alias_maps = pgsql:%1$s/etc/valias.cf
                virtual_mailbox_base = %1$s/vmail
                virtual_uid_maps = static:%2$d
                virtual_gid_maps = static:%3$d
                """.formatted(root, uid, gid));
        m.start();
        WaitFor.condition("virtual(8) socket", Scenarios.WAIT, () -> m.socketsPresent("private/virtual"));
    }

    private static void table(String name, String query) throws Exception {
        Files.writeString(m.etc().resolve(name), """
                hosts = %s:%d
                user = %s
                password = %s
                dbname = %s
                query = %s
                retry_interval = 1
                """.formatted(pg.host(), pg.port(), pg.user(), pg.password(), pg.database(), query));
    }

    @AfterAll
    static void down() {
        if (m != null) m.close();
        if (pg != null) pg.close();
    }

    @Test
    void sqlTablesServeMailboxesAndAliasesAndAnOutageDefers() throws Exception {
        Path ann = root.resolve("vmail/sqlmail.example/ann");
        String id = send(m, "alice@example.org", List.of("ann@sqlmail.example"), message("alice@example.org", "ann@sqlmail.example", "sql one"));
        awaitLog(m, "virtual", id + ": to=<ann@sqlmail.example>, relay=virtual, delay=*, delays=*, dsn=2.0.0, status=sent (delivered to maildir)");
        assertEquals("Return-Path: <alice@example.org>\nX-Original-To: ann@sqlmail.example\nDelivered-To: ann@sqlmail.example\n"
                + "Received: from client.example.org (localhost [127.0.0.1])\n\tby mail.example.com (Postfix) with ESMTP id " + id
                + "\n\tfor <ann@sqlmail.example>; DATE\n" + Scenarios.masked(message("alice@example.org", "ann@sqlmail.example", "sql one")),
                Scenarios.maildirMessage(ann, "Subject: sql one"));

        id = send(m, "alice@example.org", List.of("team@sqlalias.example"), message("alice@example.org", "team@sqlalias.example", "sql team"));
        awaitLog(m, "virtual", id + ": to=<ann@sqlmail.example>, orig_to=<team@sqlalias.example>, relay=virtual, delay=*, delays=*, "
                + "dsn=2.0.0, status=sent (delivered to maildir)");
        awaitLog(m, "virtual", id + ": to=<bob@sqlmail.example>, orig_to=<team@sqlalias.example>, relay=virtual, delay=*, delays=*, "
                + "dsn=2.0.0, status=sent (delivered to mailbox)");
        Scenarios.mboxMessage(root.resolve("vmail/sqlmail.example/bob"), "Subject: sql team");

        for (String[] c : new String[][] {{"nobody@sqlmail.example", "virtual mailbox table"}, {"nobody@sqlalias.example", "virtual alias table"}}) {
            assertEquals("550 5.1.1 <" + c[0] + ">: Recipient address rejected: User unknown in " + c[1],
                    Scenarios.rcptReply(m, "alice@example.org", c[0]));
        }

        pg.stop();
        assertEquals("451 4.3.0 <ann@sqlmail.example>: Temporary lookup failure", Scenarios.rcptReply(m, "alice@example.org", "ann@sqlmail.example"));
        awaitLog(m, "smtpd", "NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 451 4.3.0 <ann@sqlmail.example>: Temporary lookup failure; "
                + "from=<alice@example.org> to=<ann@sqlmail.example> proto=ESMTP helo=<client.example.org>");
        MailSystem.Result r = m.tool("sendmail", message("alice@example.org", "ann@sqlmail.example", "sql held"), "-f", "alice@example.org",
                "ann@sqlmail.example");
        assertEquals(0, r.status(), r.stderr());
        Pattern problem = Pattern.compile("(?m)^.* postfix/cleanup\\[\\d+\\]: warning: [0-9A-F]+: virtual_alias_maps map lookup problem "
                + "for ann@sqlmail\\.example -- message not accepted, try again later$");
        WaitFor.condition("cleanup refuses while the database is down", Scenarios.WAIT, () -> problem.matcher(m.log()).find());
        try (Stream<Path> s = Files.list(root.resolve("queue/maildrop"))) {
            assertEquals(1, s.count(), "the refused message stays in maildrop");
        }

        pg.start();
        // each process skips a failed server for retry_interval (1s here): the client retries, as SMTP clients do after a 4xx
        AtomicReference<String> back = new AtomicReference<>();
        WaitFor.condition("mail accepted again", Scenarios.WAIT, () -> {
            back.set(Scenarios.tryTransaction(m, "alice@example.org", "ann@sqlmail.example",
                    message("alice@example.org", "ann@sqlmail.example", "sql back")));
            return back.get().startsWith("250 ");
        });
        id = back.get().substring(back.get().lastIndexOf(' ') + 1);
        awaitLog(m, "virtual", id + ": to=<ann@sqlmail.example>, relay=virtual, delay=*, delays=*, dsn=2.0.0, status=sent (delivered to maildir)");
        r = m.tool("sendmail", message("alice@example.org", "ann@sqlmail.example", "sql kick"), "-f", "alice@example.org", "ann@sqlmail.example");
        assertEquals(0, r.status(), r.stderr());
        Scenarios.maildirMessage(ann, "Subject: sql kick");
        String held = Scenarios.maildirMessage(ann, "Subject: sql held");
        assertEquals(true, held.startsWith("Return-Path: <alice@example.org>\nX-Original-To: ann@sqlmail.example\n"
                + "Delivered-To: ann@sqlmail.example\nReceived: by mail.example.com (Postfix, from userid "), held);
    }
}
