package org.postroom.smtp;

import java.util.Set;
import org.postroom.service.ServiceMain;
import org.postroom.service.ServiceSpec;

/**
 * NAME
 *     lmtp - Postroom LMTP client
 * SYNOPSIS
 *     lmtp [generic Postfix daemon options]
 * DESCRIPTION
 *     smtp(8) speaking LMTP (RFC 2033), as Postfix's lmtp: the next hop is unix:/path for a
 *     UNIX-domain socket, or inet:host[:port], host[:port] or [host][:port] for TCP (port
 *     lmtp_tcp_port, 24, by default), never looked up as MX and never checked for mail loops. It sends
 *     LHLO (never HELO), then MAIL, RCPT and DATA as smtp(8) does, and reads one reply per accepted
 *     recipient after the final dot: each decides its own recipient. A UNIX-domain server is always
 *     the final one: every error defers or bounces at once. lmtp(8) reads the lmtp_x twin of every
 *     smtp_x parameter (lmtp_lhlo_name, lmtp_lhlo_timeout, lmtp_connect_timeout (0s: the system's),
 *     lmtp_tls_security_level, lmtp_sasl_auth_enable, ...). Sessions are cached as in smtp(8).
 * DIAGNOSTICS
 *     "ID: to=<rcpt>, relay=host[/path/to/socket], delay=..., dsn=2.1.5, status=sent (250 2.1.5 ...)"
 * BUGS
 *     No TLS on UNIX-domain sockets (Postfix turns "may" off there too; a required level defers).
 * CONFIGURATION PARAMETERS
 *     lmtp_tcp_port (24) and the lmtp_ twins of smtp(8)'s parameters
 * SEE ALSO
 *     smtp(8), qmgr(8), postconf(5)
 */
public final class Lmtp {
    static final ServiceSpec SPEC = new ServiceSpec("lmtp", SmtpConfig.PARAMS, Set.of());

    private Lmtp() {}

    public static void main(String[] args) {
        ServiceMain.run(args, SPEC, ctx -> new Smtp(ctx, true));
    }
}
