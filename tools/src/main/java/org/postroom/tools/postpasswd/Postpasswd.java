package org.postroom.tools.postpasswd;

import java.io.BufferedReader;
import java.io.BufferedOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.sasl.PasswordScheme;
import org.postroom.tools.common.Exit;
import org.postroom.tools.postmap.MapTool;
import org.postroom.tools.postmap.Postmap;

/**
 * NAME
 *     postpasswd - Postroom SASL user table maintenance
 * SYNOPSIS
 *     postpasswd [-c config_dir] [-s scheme] [-t type:table] user
 *     postpasswd [-c config_dir] [-t type:table] -d user
 *     postpasswd [-s scheme] -p
 * DESCRIPTION
 *     Sets the password of a user of smtpd_sasl_type = builtin: the entry "user {SCHEME}hash" in the
 *     source file of the first table of smtpd_sasl_user_maps (or -t), replacing the user's line or
 *     appending one, then rebuilds a hash: or btree: table as postmap(1) would. -d removes the user.
 *     -p only prints a hash, as "doveadm pw" does, and touches nothing. The password is read twice
 *     from the terminal without echo, or as one line from standard input when that is not a terminal;
 *     it never appears in an argument, a log line or an error message.
 *     The schemes (-s) are Dovecot's, so a table can be shared with a Dovecot passdb: SHA512-CRYPT
 *     (the default), BLF-CRYPT, ARGON2ID and SCRAM-SHA-256 (the one SCRAM-SHA-256 logins need; smtpd
 *     offers SCRAM-SHA-256 only when smtpd_sasl_builtin_mechanisms lists it).
 * DIAGNOSTICS
 *     "postpasswd: fatal: ..." with exit 1: no table, a table that has no source file (pgsql, inline),
 *     passwords that differ, an empty password.
 * SECURITY
 *     The source file keeps its owner and mode; it is replaced atomically (written beside it, then
 *     renamed).
 * SEE ALSO
 *     smtpd(8), postmap(1), doveadm-pw(1)
 */
public final class Postpasswd {
    static final String USAGE = "usage: postpasswd [-c config_dir] [-s scheme] [-t type:table] [-d] user | postpasswd [-s scheme] -p";

    private Postpasswd() {}

    public static void main(String[] args) {
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        OutputStream out = new BufferedOutputStream(System.out, 1 << 12);
        Exit.now(out, run(args, System.in, out, err, System.console()));
    }

    static final class Fatal extends Exception {
        Fatal(String m) {
            super(m);
        }
    }

    public static int run(String[] args, InputStream in, OutputStream out, PrintStream err, Console console) {
        try {
            String configDir = null;
            String scheme = PasswordScheme.SHA512_CRYPT.label();
            String table = null;
            boolean delete = false;
            boolean print = false;
            String user = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "-c" -> configDir = value(args, ++i);
                    case "-s" -> scheme = value(args, ++i);
                    case "-t" -> table = value(args, ++i);
                    case "-d" -> delete = true;
                    case "-p" -> print = true;
                    default -> {
                        if (args[i].startsWith("-") || user != null) throw new Fatal(USAGE);
                        user = args[i];
                    }
                }
            }
            String schemeName = scheme;
            PasswordScheme s = PasswordScheme.byName(scheme).orElseThrow(() -> new Fatal("unknown password scheme: " + schemeName
                    + " (SHA512-CRYPT, BLF-CRYPT, ARGON2ID or SCRAM-SHA-256)"));
            if (print) {
                if (user != null || delete) throw new Fatal(USAGE);
                out.write((s.hash(password(in, console)) + "\n").getBytes(StandardCharsets.UTF_8));
                return 0;
            }
            if (user == null) throw new Fatal(USAGE);
            if (user.isEmpty() || user.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) throw new Fatal("bad user name: no spaces or control characters");
            if (configDir == null) {
                String env = System.getenv("MAIL_CONFIG");
                configDir = env != null && !env.isEmpty() ? env : "/etc/postroom";
            }
            if (table == null || table.indexOf(':') < 0) {
                MainCf cfg = MapTool.config("postpasswd", configDir, err);
                if (table == null) {
                    List<String> maps = cfg.get(Params.SMTPD_SASL_USER_MAPS);
                    if (maps.isEmpty()) throw new Fatal("no table given (-t) and smtpd_sasl_user_maps is empty");
                    table = maps.getFirst();
                }
                if (table.indexOf(':') < 0) table = cfg.get(Params.DEFAULT_DATABASE_TYPE) + ":" + table;
            }
            int colon = table.indexOf(':');
            String type = table.substring(0, colon).toLowerCase(Locale.ROOT);
            if (!List.of("hash", "btree", "texthash").contains(type)) {
                throw new Fatal("table " + table + ": type " + type + " has no source file to edit (use hash, btree or texthash, or set the"
                        + " value \"{SCHEME}hash\" from postpasswd -p yourself)");
            }
            Path source = Path.of(table.substring(colon + 1));
            String entry = delete ? null : user + " " + s.hash(password(in, console));
            edit(source, user, entry);
            if (!type.equals("texthash")) {
                List<String> pm = new ArrayList<>();
                if (Files.exists(Path.of(configDir, "main.cf"))) pm.addAll(List.of("-c", configDir));
                pm.add(type + ":" + source);
                int rc = Postmap.run(pm.toArray(String[]::new), InputStream.nullInputStream(), out, err);
                if (rc != 0) return rc;
            }
            return 0;
        } catch (Fatal e) {
            err.println("postpasswd: fatal: " + e.getMessage());
            return 1;
        } catch (MapTool.Fatal e) {
            return 1;
        } catch (IOException e) {
            err.println("postpasswd: fatal: " + e.getMessage());
            return 1;
        }
    }

    private static String value(String[] args, int i) throws Fatal {
        if (i >= args.length) throw new Fatal(USAGE);
        return args[i];
    }

    /** Twice without echo on a terminal; else one line from standard input. */
    private static String password(InputStream in, Console console) throws Fatal, IOException {
        String pw;
        if (console != null) {
            char[] a = console.readPassword("New password: ");
            char[] b = console.readPassword("Retype new password: ");
            if (a == null || b == null) throw new Fatal("no password read");
            if (!Arrays.equals(a, b)) throw new Fatal("the passwords differ");
            pw = new String(a);
            Arrays.fill(a, ' ');
            Arrays.fill(b, ' ');
        } else {
            pw = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            if (pw == null) throw new Fatal("no password read from standard input");
        }
        if (pw.isEmpty()) throw new Fatal("empty password");
        return pw;
    }

    /** Replaces the user's line (or appends one; null entry: removes it), keeping owner and mode, atomically. */
    static void edit(Path source, String user, String entry) throws IOException, Fatal {
        List<String> lines = Files.exists(source) ? Files.readAllLines(source, StandardCharsets.UTF_8) : new ArrayList<>();
        List<String> out = new ArrayList<>();
        boolean found = false;
        for (String l : lines) {
            String key = l.strip().split("[\\s:]+", 2)[0];
            boolean entryLine = !l.isBlank() && !l.startsWith("#") && !Character.isWhitespace(l.charAt(0));
            if (entryLine && key.equalsIgnoreCase(user)) {
                if (!found && entry != null) out.add(entry);
                found = true;
            } else {
                out.add(l);
            }
        }
        if (!found && entry == null) throw new Fatal("user " + user + " is not in " + source);
        if (!found) out.add(entry);
        Path tmp = source.resolveSibling(source.getFileName() + ".postpasswd.tmp");
        Files.write(tmp, out, StandardCharsets.UTF_8);
        if (Files.exists(source)) {
            Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(source));
            try {
                java.nio.file.attribute.PosixFileAttributes a = Files.readAttributes(source, java.nio.file.attribute.PosixFileAttributes.class);
                java.nio.file.attribute.PosixFileAttributeView v = Files.getFileAttributeView(tmp, java.nio.file.attribute.PosixFileAttributeView.class);
                v.setGroup(a.group()); // smtpd reads the table as mail_owner, often through the group
                v.setOwner(a.owner());
            } catch (IOException e) {
                // not root: the file stays ours
            }
        } else {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        }
        try {
            Files.move(tmp, source, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, source, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
