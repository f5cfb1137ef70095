package org.postroom.tools.sendmail;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.queue.MailQueue;
import org.postroom.tools.common.Uid;
import org.postroom.global.table.UserAcl;
import org.postroom.util.Passwd;

/** Carries out an {@link Invocation}: queue a message, run an SMTP session, or run another command. */
final class Submitter {
    private final Path configDir;

    Submitter(Path configDir) {
        this.configDir = configDir;
    }

    int run(Invocation inv) throws Fatal {
        try {
            MainCf cfg = MainCf.load(configDir);
            Diagnostics.init(cfg);
            return switch (inv.mode()) {
                case ENQUEUE -> {
                    if (inv.flushSite() != null) yield command(cfg, inv, "flush site", "postqueue", "-s", inv.flushSite());
                    if (inv.flushId() != null) yield command(cfg, inv, "flush queue_id", "postqueue", "-i", inv.flushId());
                    yield enqueue(cfg, inv);
                }
                case MAILQ -> command(cfg, inv, "display queue mode", "postqueue", "-p");
                case FLUSHQ -> command(cfg, inv, "flush queue mode", "postqueue", "-f");
                case DAEMON -> command(cfg, inv, "daemon mode", "postfix", "start") == 0 ? 0 : 1;
                case NEWALIAS -> {
                    List<String> maps = cfg.get(Params.ALIAS_DATABASE);
                    if (maps.isEmpty()) yield 0;
                    yield command(cfg, inv, "alias initialization mode", "postalias", maps.toArray(new String[0]));
                }
                case USER -> standalone(cfg, inv);
                case IGNORE -> 0;
            };
        } catch (ConfigException e) {
            throw new Fatal(e.getMessage());
        }
    }

    private int enqueue(MainCf cfg, Invocation inv) throws Fatal {
        int uid = Uid.real();
        authorize(cfg, uid);
        Optional<Passwd.Entry> pw = Passwd.byUid(uid);
        Postdrop.Envelope env = envelope(inv, uid, pw.map(Passwd.Entry::name).orElse(null), fullName(pw));
        String sender = env.sender();
        InputStream in = new BufferedInputStream(System.in, 65536);
        MessageReader.Mode mode = inv.dotEnds() ? MessageReader.Mode.DOT_ENDS : MessageReader.Mode.PLAIN;
        try {
            Postdrop.Outcome o = inv.probe() ? postdrop(cfg, uid).probe(env, inv.recipients()) : postdrop(cfg, uid).drop(env, in, mode, inv.extract());
            if (!(o instanceof Postdrop.Outcome.Queued)) throw new Fatal(sender + "(" + uid + "): message file too big");
        } catch (IOException e) {
            throw new Fatal(sender + "(" + uid + "): error writing queue file: " + describe(e));
        }
        PickupTrigger.wake(queueDirectory(cfg), cfg.get(Params.TRIGGER_TIMEOUT));
        if (inv.traceFlags() != 0) { // "Don't leave them in the dark."
            System.out.println("Mail Delivery Status Report will be mailed to <" + sender + ">.");
            System.out.flush();
        }
        return 0;
    }

    /**
     * The envelope for -bm: the -f address (first of a list, null sender for '' or <>), else the login
     * name; each recipient argument as an address list, an argument without addresses giving "".
     */
    static Postdrop.Envelope envelope(Invocation inv, int uid, String login, String defaultFullName) throws Fatal {
        String sender;
        if (inv.sender() != null) {
            List<String> a = AddressList.parse(inv.sender());
            sender = a.isEmpty() ? "" : a.get(0);
            if (a.size() > 1) Diagnostics.warn("-f option specified malformed sender: " + inv.sender());
        } else if (login != null) {
            sender = login;
        } else {
            throw new Fatal("no login name found for user ID " + uid);
        }
        List<String> rcpts = new ArrayList<>();
        for (String arg : inv.recipients()) {
            List<String> a = AddressList.parse(arg);
            if (a.isEmpty()) rcpts.add("");
            rcpts.addAll(a);
        }
        return new Postdrop.Envelope(sender, inv.fullName() != null ? inv.fullName() : defaultFullName,
                inv.rewriteContext(), inv.encoding(), inv.envid(), inv.notifyFlags(), inv.traceFlags(), rcpts);
    }

    private int standalone(MainCf cfg, Invocation inv) throws Fatal {
        if (!inv.recipients().isEmpty()) throw new Fatal("stand-alone mode requires no recipient");
        int uid = Uid.real();
        authorize(cfg, uid);
        SmtpSession session = new SmtpSession(cfg.get(Params.MYHOSTNAME), cfg.get(Params.SMTPD_BANNER),
                cfg.get(Params.MESSAGE_SIZE_LIMIT), cfg.get(Params.SMTPD_RECIPIENT_LIMIT));
        Path queueDir = queueDirectory(cfg);
        StandaloneSmtp smtp = new StandaloneSmtp(session, postdrop(cfg, uid), cfg.get(Params.LINE_LENGTH_LIMIT),
                () -> PickupTrigger.wake(queueDir, cfg.get(Params.TRIGGER_TIMEOUT)));
        try {
            smtp.run(new BufferedInputStream(System.in, 65536), new BufferedOutputStream(System.out, 8192));
        } catch (IOException e) {
            // the client went away
        }
        return 0;
    }

    /** authorized_submit_users (no exception for root, as in Postfix). */
    private static void authorize(MainCf cfg, int uid) throws Fatal {
        String user = UserAcl.lenient(cfg, Params.AUTHORIZED_SUBMIT_USERS).refused(uid, Diagnostics::warn);
        if (user != null) throw new Fatal("User " + user + "(" + uid + ") is not allowed to submit mail");
    }

    static Postdrop postdrop(MainCf cfg, int uid) {
        MailQueue queue = new MailQueue(queueDirectory(cfg), cfg.get(Params.HASH_QUEUE_NAMES), cfg.get(Params.HASH_QUEUE_DEPTH));
        return new Postdrop(queue, new Postdrop.Limits(cfg.get(Params.LINE_LENGTH_LIMIT), cfg.get(Params.HEADER_SIZE_LIMIT),
                cfg.get(Params.MESSAGE_SIZE_LIMIT)), uid);
    }

    private static Path queueDirectory(MainCf cfg) {
        return Path.of(cfg.get(Params.QUEUE_DIRECTORY));
    }

    /** Runs $command_directory/name (mail_run_replace) with MAIL_CONFIG set, and returns its status. */
    private int command(MainCf cfg, Invocation inv, String what, String name, String... args) throws Fatal {
        if (!inv.recipients().isEmpty()) throw new Fatal(what + " requires no recipient");
        Path path = Path.of(cfg.get(Params.COMMAND_DIRECTORY), name);
        List<String> argv = new ArrayList<>(List.of(path.toString()));
        argv.addAll(List.of(args));
        for (int i = 0; i < inv.verbose(); i++) argv.add("-v");
        ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
        pb.environment().put("MAIL_CONFIG", configDir.toString());
        try {
            return pb.start().waitFor();
        } catch (IOException e) {
            throw new Fatal("execvp " + path + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Fatal("interrupted while running " + path);
        }
    }

    /** fullname(): $NAME, else the gecos field up to , ; or % with & as the capitalised login name. */
    static String fullName(Optional<Passwd.Entry> pw) {
        String env = System.getenv("NAME");
        if (env != null) return env;
        if (pw.isEmpty()) return null;
        String login = pw.get().name();
        StringBuilder b = new StringBuilder();
        for (char c : pw.get().gecos().toCharArray()) {
            if (c == ',' || c == ';' || c == '%') break;
            if (c == '&') b.append(login.isEmpty() ? "" : Character.toUpperCase(login.charAt(0)) + login.substring(1));
            else b.append(c);
        }
        return b.toString();
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException n) return n.getFile() + ": No such file or directory";
        if (e instanceof AccessDeniedException a) return a.getFile() + ": Permission denied";
        return e.getMessage();
    }
}
