package org.postroom.service;

import java.io.IOException;
import org.postroom.global.ipc.Attrs;

/**
 * One attribute request in, one reply out, until the client hangs up (trivial-rewrite). The skeleton
 * sends {@link #protocol()} as the greeting.
 */
public non-sealed interface RequestService extends Service {
    String protocol();

    Attrs handle(Attrs request) throws IOException;
}
