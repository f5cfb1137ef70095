package org.postroom.service;

import java.io.IOException;

/** Owns a whole conversation per client (smtpd, cleanup, local). Called on its own virtual thread. */
public non-sealed interface ConnectionService extends Service {
    void serve(Connection client) throws IOException;
}
