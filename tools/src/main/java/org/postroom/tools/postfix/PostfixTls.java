package org.postroom.tools.postfix;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.tls.PemKeys;
import org.postroom.global.tls.SelfSignedCert;
import org.postroom.tools.postconf.Postconf;
import org.postroom.util.ExitCode;

/**
 * {@code postfix tls subcommand} (postfix-tls(1), Postfix's postfix-tls-script) for the SMTP server:
 * <pre>
 *     enable-server [-a algorithm] [-b bits] [hostname ...]
 *                     a new key and self-signed certificate, deployed with smtpd_tls_security_level = may,
 *                     smtpd_tls_received_header = yes and smtpd_tls_loglevel = 1, when every SMTP server
 *                     TLS setting is at its default; otherwise only advice, no change
 *     new-server-key [-a algorithm] [-b bits] [hostname ...]
 *                     a new key and self-signed certificate in config_directory, not deployed; prints the
 *                     command that deploys them
 *     deploy-server-cert certfile keyfile
 *                     checks that the key belongs to the certificate, then sets smtpd_tls_cert_file and
 *                     smtpd_tls_key_file (or the ec variants) with postconf -e
 *     all-default-server
 *                     exit 0 when every SMTP server TLS setting is at its default
 * </pre>
 * The algorithm is rsa (2048 bits unless -b) or ecdsa (-b names the curve, secp256r1 unless given). The
 * certificate's common name is the first host name, $myhostname when none is given; all of them are DNS
 * alternative names. Files are {@code key-yyyymmdd-hhmmss.pem} and {@code cert-yyyymmdd-hhmmss.pem}
 * ({@code eckey-}/{@code eccert-} for ECDSA), UTC, the key mode 0600. Keys are made with Bouncy Castle
 * and the JDK, not openssl. Messages are "postfix/postfix-tls-script: ..." on stderr.
 * The client-side subcommands (enable-client, all-default-client), new-server-cert,
 * output-server-csr and output-server-tlsa are not implemented yet and say so.
 */
final class PostfixTls {
    private static final String TAG = "postfix/postfix-tls-script: ";
    /** postfix-tls-script's server_settings: enable-server changes nothing when one of them is set. */
    private static final List<String> SERVER_SETTINGS = List.of("smtpd_use_tls", "smtpd_enforce_tls", "smtpd_tls_security_level",
            "smtpd_tls_cert_file", "smtpd_tls_dcert_file", "smtpd_tls_eccert_file", "smtpd_tls_chain_files");

    private final MainCf cfg;
    private final Path configDir;
    private final PrintStream err;

    PostfixTls(MainCf cfg, Path configDir, PrintStream err) {
        this.cfg = cfg;
        this.configDir = configDir;
        this.err = err;
    }

    int run(List<String> args) throws IOException {
        if (args.isEmpty()) return fatal("usage: postfix tls enable-server|new-server-key|deploy-server-cert|all-default-server [options]");
        String sub = args.get(0);
        List<String> rest = args.subList(1, args.size());
        return switch (sub) {
            case "enable-server" -> enableServer(rest);
            case "new-server-key" -> newServerKey(rest, false);
            case "deploy-server-cert" -> {
                if (rest.size() != 2) yield fatal("usage: postfix tls deploy-server-cert certfile keyfile");
                yield deploy(resolve(rest.get(0)), resolve(rest.get(1)), false);
            }
            case "all-default-server" -> allDefault() ? ExitCode.OK : ExitCode.FATAL;
            case "enable-client", "all-default-client", "new-server-cert", "output-server-csr", "output-server-tlsa" ->
                    fatal("postfix tls " + sub + " is not implemented in Postroom yet");
            default -> fatal("unknown subcommand: " + sub);
        };
    }

    private int enableServer(List<String> args) throws IOException {
        if (!allDefault()) {
            info("*** Non-default SMTP server TLS settings detected, no changes made.");
            info("For opportunistic TLS in the Postfix SMTP server, the below settings");
            info("are typical:");
            info("  smtpd_tls_security_level = may");
            info("  smtpd_tls_loglevel = 1");
            info("You can use \"postfix tls new-server-key\" to create a new key and certificate.");
            return ExitCode.OK;
        }
        return newServerKey(args, true);
    }

    private int newServerKey(List<String> args, boolean enable) throws IOException {
        String algorithm = "rsa";
        String bits = null;
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("-a") || a.equals("-b")) && i + 1 < args.size()) {
                if (a.equals("-a")) algorithm = args.get(++i);
                else bits = args.get(++i);
            } else if (a.equals("-r") && enable && i + 1 < args.size()) {
                i++; // tls_random_source: the JDK's SecureRandom is the source here
            } else if (a.startsWith("-")) {
                return fatal("usage: postfix tls " + (enable ? "enable-server" : "new-server-key")
                        + " [-a algorithm] [-b bits ] [hostname ...]");
            } else {
                hosts.add(a);
            }
        }
        if (hosts.isEmpty()) hosts.add(cfg.get(Params.MYHOSTNAME));
        SelfSignedCert.Spec spec;
        try {
            spec = new SelfSignedCert.Spec(algorithm, bits, hosts);
        } catch (IllegalArgumentException e) {
            return fatal(e.getMessage());
        }
        String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        SelfSignedCert.Made made;
        try {
            made = SelfSignedCert.create(configDir, spec, stamp);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return fatal(e.getReason() + ": " + e.getFile());
        } catch (IOException e) {
            return fatal(e.getMessage());
        }
        if (!enable) {
            info("New private key and self-signed certificate created. To deploy run:");
            info("  # postfix tls deploy-server-cert " + made.certFile() + " " + made.keyFile());
            return ExitCode.OK;
        }
        int st = deploy(made.certFile(), made.keyFile(), true);
        if (st != ExitCode.OK) return st;
        info("Enabled opportunistic TLS in the Postfix SMTP server");
        info("New TLS private key and certificate deployed.");
        info("Run the command:");
        info("  # postfix reload");
        info("if you want the new settings to take effect immediately.");
        return ExitCode.OK;
    }

    private int deploy(Path certFile, Path keyFile, boolean enable) {
        PemKeys.Pair pair;
        try {
            pair = PemKeys.certAndKey(certFile, keyFile);
        } catch (IOException e) {
            return fatal(e.getMessage());
        }
        boolean ec = pair.key().getAlgorithm().equals("EC");
        List<String> edits = new ArrayList<>(List.of("-c", configDir.toString(), "-e",
                (ec ? "smtpd_tls_eckey_file = " : "smtpd_tls_key_file = ") + keyFile,
                (ec ? "smtpd_tls_eccert_file = " : "smtpd_tls_cert_file = ") + certFile));
        if (enable) {
            edits.addAll(List.of("smtpd_tls_security_level = may", "smtpd_tls_received_header = yes", "smtpd_tls_loglevel = 1"));
        }
        return Postconf.run(edits.toArray(String[]::new)) == 0 ? ExitCode.OK : ExitCode.FATAL;
    }

    /** all_default(): none of the server settings is set in main.cf (postconf -nh is empty). */
    private boolean allDefault() {
        for (String p : SERVER_SETTINGS) {
            if (cfg.isSetInFile(p) && !cfg.settings().get(p).value().isBlank()) return false;
        }
        return true;
    }

    private Path resolve(String file) {
        Path p = Path.of(file);
        return p.isAbsolute() ? p : configDir.resolve(p);
    }

    private void info(String text) {
        err.println(TAG + text);
    }

    private int fatal(String text) {
        err.println(TAG + "fatal: " + text);
        return ExitCode.FATAL;
    }
}
