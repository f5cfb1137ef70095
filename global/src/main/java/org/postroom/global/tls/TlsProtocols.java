package org.postroom.global.tls;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postroom.global.config.Param;

/**
 * What the client and the server share about TLS (tls_protocol_mask(), tls_misc.c): the protocols
 * parameter syntax, the cipher suites Postroom never uses, and the key sizes in the summary line.
 */
public final class TlsProtocols {
    private static final List<String> KNOWN = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    private TlsProtocols() {}

    /**
     * A protocols value (">=TLSv1.2", "<=TLSv1.3", "TLSv1.2, TLSv1.3", "!SSLv3, !TLSv1") as JDK protocol
     * names; empty means TLS 1.2 and 1.3. SSLv2 and SSLv3 are accepted and ignored (never enabled).
     */
    public static List<String> parse(String spec) {
        String v = spec.strip();
        if (v.isEmpty()) return List.of("TLSv1.2", "TLSv1.3");
        if (v.startsWith(">=") || v.startsWith("<=")) {
            String p = v.substring(2).strip();
            int i = indexOf(p);
            if (i < 0) throw new IllegalArgumentException("bad TLS protocol range \"" + spec + "\"");
            return v.startsWith(">=") ? KNOWN.subList(i, KNOWN.size()) : KNOWN.subList(0, i + 1);
        }
        Set<String> on = new HashSet<>();
        Set<String> off = new HashSet<>();
        for (String w : Param.splitList(v.replace(':', ' '))) {
            boolean neg = w.startsWith("!");
            String name = neg ? w.substring(1) : w;
            if (name.equalsIgnoreCase("SSLv2") || name.equalsIgnoreCase("SSLv3")) continue;
            int i = indexOf(name);
            if (i < 0) throw new IllegalArgumentException("unknown TLS protocol \"" + w + "\"");
            (neg ? off : on).add(KNOWN.get(i));
        }
        List<String> out = new ArrayList<>();
        for (String k : KNOWN) if ((on.isEmpty() || on.contains(k)) && !off.contains(k)) out.add(k);
        if (out.isEmpty()) throw new IllegalArgumentException("no TLS protocols left in \"" + spec + "\"");
        return out;
    }

    private static int indexOf(String p) {
        for (int i = 0; i < KNOWN.size(); i++) if (KNOWN.get(i).equalsIgnoreCase(p)) return i;
        return -1;
    }

    /** No NULL, export, anonymous, RC4, DES/3DES or MD5 suites (Postfix's "medium" grade and better). */
    public static boolean acceptableCipher(String suite) {
        String u = suite.toUpperCase(Locale.ROOT);
        return !(u.contains("_NULL_") || u.contains("EXPORT") || u.contains("_ANON_") || u.contains("RC4")
                || u.contains("_DES") || u.contains("3DES") || u.endsWith("_MD5") || u.contains("SCSV"));
    }

    /** The symmetric key size of a suite, as the "(256/256 bits)" of the summary line. */
    public static int bits(String suite) {
        String u = suite.toUpperCase(Locale.ROOT);
        if (u.contains("AES_256") || u.contains("CHACHA20")) return 256;
        if (u.contains("AES_128")) return 128;
        return 0;
    }

    /** "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)" */
    public static String summary(String protocol, String cipher) {
        int b = bits(cipher);
        return protocol + " with cipher " + cipher + " (" + b + "/" + b + " bits)";
    }
}
