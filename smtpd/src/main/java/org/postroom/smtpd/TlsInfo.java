package org.postroom.smtpd;

import org.postroom.global.tls.TlsProtocols;

/** A finished server handshake: the protocol and cipher, and the name the client asked for (SNI, or ""). */
record TlsInfo(String protocol, String cipher, String sni) {
    /** "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)" */
    String summary() {
        return TlsProtocols.summary(protocol, cipher);
    }
}
