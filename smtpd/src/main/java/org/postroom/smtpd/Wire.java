package org.postroom.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/** The client connection as the network loop uses it; {@code Connection} in production, streams in tests. */
interface Wire {
    InputStream in();

    OutputStream out();

    /** Bytes received and not yet read, without blocking. */
    int available() throws IOException;

    /** (Re)arms the idle deadline: when it passes, reads end (with end of input or an exception). */
    void deadline(Duration d);

    /** Whether the deadline has passed (an end of input is then a timeout, not a lost connection). */
    boolean expired();

    /**
     * Runs the server side of a TLS handshake within {@code timeout} and from then on {@link #in()} and
     * {@link #out()} carry TLS. Nothing the client sent before the handshake is kept by the wire (the
     * caller drops what it buffered). Throws {@link java.io.EOFException} when the client went away.
     */
    default TlsInfo startTls(SmtpdTls tls, Duration timeout) throws IOException {
        throw new IOException("TLS is not available on this connection");
    }
}
