package org.postroom.global.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * SHA-512 crypt ("$6$", Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512"), as glibc's crypt(3)
 * and Dovecot's {SHA512-CRYPT} scheme write it: "$6$[rounds=N$]salt$hash", salt at most 16
 * characters, 5,000 rounds unless said otherwise (1,000 to 999,999,999).
 */
final class ShaCrypt {
    private static final String ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static final int DEFAULT_ROUNDS = 5000;

    private ShaCrypt() {}

    /** A new hash with a random 16-character salt. */
    static String hash(String password, int rounds) {
        SecureRandom r = new SecureRandom();
        StringBuilder salt = new StringBuilder();
        for (int i = 0; i < 16; i++) salt.append(ITOA64.charAt(r.nextInt(64)));
        return crypt(password, salt.toString(), rounds, rounds != DEFAULT_ROUNDS);
    }

    /** Whether {@code password} gives {@code stored} ("$6$..."). */
    static boolean verify(String password, String stored) {
        if (!stored.startsWith("$6$")) return false;
        String rest = stored.substring(3);
        int rounds = DEFAULT_ROUNDS;
        boolean explicit = false;
        if (rest.startsWith("rounds=")) {
            int end = rest.indexOf('$');
            if (end < 0) return false;
            try {
                rounds = Integer.parseInt(rest.substring(7, end));
            } catch (NumberFormatException e) {
                return false;
            }
            rest = rest.substring(end + 1);
            explicit = true;
        }
        int dollar = rest.indexOf('$');
        if (dollar < 0) return false;
        String expected = crypt(password, rest.substring(0, dollar), rounds, explicit);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), stored.getBytes(StandardCharsets.US_ASCII));
    }

    static String crypt(String password, String saltText, int rounds, boolean explicitRounds) {
        rounds = Math.max(1000, Math.min(999_999_999, rounds));
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        byte[] s = (saltText.length() > 16 ? saltText.substring(0, 16) : saltText).getBytes(StandardCharsets.UTF_8);
        MessageDigest md = sha512();
        md.update(p);
        md.update(s);
        md.update(p);
        byte[] b = md.digest();
        md.update(p);
        md.update(s);
        for (int n = p.length; n > 0; n -= 64) md.update(b, 0, Math.min(n, 64));
        for (int n = p.length; n > 0; n >>= 1) {
            if ((n & 1) != 0) md.update(b);
            else md.update(p);
        }
        byte[] a = md.digest();
        for (byte x : p) md.update(p);
        byte[] dp = md.digest();
        byte[] pSeq = new byte[p.length];
        for (int i = 0; i < p.length; i++) pSeq[i] = dp[i % 64];
        for (int i = 0; i < 16 + (a[0] & 0xff); i++) md.update(s);
        byte[] ds = md.digest();
        byte[] sSeq = new byte[s.length];
        for (int i = 0; i < s.length; i++) sSeq[i] = ds[i % 64];
        byte[] c = a;
        for (int i = 0; i < rounds; i++) {
            if ((i & 1) != 0) md.update(pSeq);
            else md.update(c);
            if (i % 3 != 0) md.update(sSeq);
            if (i % 7 != 0) md.update(pSeq);
            if ((i & 1) != 0) md.update(c);
            else md.update(pSeq);
            c = md.digest();
        }
        StringBuilder out = new StringBuilder("$6$");
        if (explicitRounds) out.append("rounds=").append(rounds).append('$');
        out.append(new String(s, StandardCharsets.UTF_8)).append('$');
        int[][] order = {{0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45}, {25, 46, 4}, {47, 5, 26}, {6, 27, 48},
                {28, 49, 7}, {50, 8, 29}, {9, 30, 51}, {31, 52, 10}, {53, 11, 32}, {12, 33, 54}, {34, 55, 13},
                {56, 14, 35}, {15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60}, {40, 61, 19}, {62, 20, 41}};
        for (int[] t : order) b64(out, c[t[0]], c[t[1]], c[t[2]], 4);
        b64(out, (byte) 0, (byte) 0, c[63], 2);
        return out.toString();
    }

    private static void b64(StringBuilder out, byte b2, byte b1, byte b0, int n) {
        int w = ((b2 & 0xff) << 16) | ((b1 & 0xff) << 8) | (b0 & 0xff);
        for (int i = 0; i < n; i++) {
            out.append(ITOA64.charAt(w & 0x3f));
            w >>>= 6;
        }
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
