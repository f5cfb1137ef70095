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
}
