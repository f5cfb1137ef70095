package org.postroom.tools.postalias;

import org.postroom.tools.common.Exit;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * NAME
 *     newaliases - rebuild the alias databases
 * SYNOPSIS
 *     newaliases [-c config_dir] [-v]
 * DESCRIPTION
 *     Runs postalias(1) on every table listed in alias_database, as Postfix's "sendmail -bi" does.
 *     Silent on success; messages come from postalias ("postalias: warning: ...").
 * SECURITY
 *     As postalias(1).
 * DIAGNOSTICS
 *     Exit 0 on success, 1 on a fatal error.
 * BUGS
 *     None known.
 * CONFIGURATION PARAMETERS
 *     alias_database (hash:/etc/aliases)
 * SEE ALSO
 *     postalias(1), aliases(5), sendmail(1)
 */
public final class Newaliases {
    private Newaliases() {}

    public static void main(String[] args) {
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        OutputStream out = new BufferedOutputStream(System.out);
        Exit.now(out, Postalias.runNewaliases(org.postroom.tools.postmap.Argv.utf8(args), System.in, out, err));
    }
}
