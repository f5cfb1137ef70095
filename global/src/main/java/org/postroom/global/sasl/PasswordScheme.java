package org.postroom.global.sasl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The password schemes of the built-in SASL user tables, in Dovecot's notation so that a table can be
 * shared with Dovecot (passdb passwd-file, sql) and filled by "doveadm pw": {SHA512-CRYPT} ($6$),
 * {BLF-CRYPT} ($2y$, bcrypt), {ARGON2ID} ($argon2id$, PHC string) and {SCRAM-SHA-256}
 * (iterations,salt,StoredKey,ServerKey, the only one SCRAM-SHA-256 logins can use). Plaintext
 * ({PLAIN}, {CLEAR}, or no scheme at all) is refused: a stolen table must not be a list of passwords.
 */
public enum PasswordScheme {
    SHA512_CRYPT("SHA512-CRYPT"),
    BLF_CRYPT("BLF-CRYPT"),
    ARGON2ID("ARGON2ID"),
    SCRAM_SHA_256("SCRAM-SHA-256");

    /** What a SCRAM-SHA-256 server needs of a user (RFC 5802 section 3). */
    public record ScramKeys(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
        /** ClientKey = proof XOR HMAC(StoredKey, AuthMessage); valid when H(ClientKey) = StoredKey. */
        public boolean proofValid(byte[] authMessage, byte[] proof) {
            if (proof.length != 32 || storedKey.length != 32) return false;
            byte[] signature = hmacSha256(storedKey, authMessage);
            byte[] clientKey = new byte[32];
            for (int i = 0; i < 32; i++) clientKey[i] = (byte) (proof[i] ^ signature[i]);
            try {
                return MessageDigest.isEqual(MessageDigest.getInstance("SHA-256").digest(clientKey), storedKey);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** ServerSignature = HMAC(ServerKey, AuthMessage), for the server-final "v=". */
        public byte[] serverSignature(byte[] authMessage) {
            return hmacSha256(serverKey, authMessage);
        }
    }

    private final String label;

    PasswordScheme(String label) {
        this.label = label;
    }

    /** "SHA512-CRYPT" */
    public String label() {
        return label;
    }

    public static Optional<PasswordScheme> byName(String name) {
        for (PasswordScheme s : values()) if (s.label.equalsIgnoreCase(name)) return Optional.of(s);
        return Optional.empty();
    }

    /** A new "{SCHEME}..." value for {@code password}, with a random salt. */
    public String hash(String password) {
        SecureRandom r = new SecureRandom();
        return "{" + label + "}" + switch (this) {
            case SHA512_CRYPT -> ShaCrypt.hash(password, ShaCrypt.DEFAULT_ROUNDS);
            case BLF_CRYPT -> {
                byte[] salt = new byte[16];
                r.nextBytes(salt);
                yield OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 10);
            }
            case ARGON2ID -> {
                byte[] salt = new byte[16];
                r.nextBytes(salt);
                int m = 65536, t = 3, p = 1;
                byte[] out = argon2(password, salt, m, t, p, 32);
                Base64.Encoder e = Base64.getEncoder().withoutPadding();
                yield "$argon2id$v=19$m=" + m + ",t=" + t + ",p=" + p + "$" + e.encodeToString(salt) + "$" + e.encodeToString(out);
            }
            case SCRAM_SHA_256 -> {
                byte[] salt = new byte[16];
                r.nextBytes(salt);
                int iterations = 4096;
                byte[][] keys = scramKeys(password, salt, iterations);
                Base64.Encoder e = Base64.getEncoder();
                yield iterations + "," + e.encodeToString(salt) + "," + e.encodeToString(keys[0]) + "," + e.encodeToString(keys[1]);
            }
        };
    }

    /** Thrown for a stored value Postroom will not use: plaintext, an unknown scheme, a malformed hash. */
    public static final class UnusableHash extends Exception {
        public UnusableHash(String m) {
            super(m);
        }
    }

    /** Whether {@code password} matches the stored "{SCHEME}..." value; constant time where the scheme allows. */
    public static boolean verify(String stored, String password) throws UnusableHash {
        Stored s = parse(stored);
        try {
            return switch (s.scheme) {
                case SHA512_CRYPT -> ShaCrypt.verify(password, s.value);
                case BLF_CRYPT -> OpenBSDBCrypt.checkPassword(s.value, password.toCharArray());
                case ARGON2ID -> verifyArgon2(s.value, password);
                case SCRAM_SHA_256 -> {
                    ScramKeys k = scram(stored).orElseThrow();
                    byte[][] keys = scramKeys(password, k.salt(), k.iterations());
                    yield MessageDigest.isEqual(keys[0], k.storedKey());
                }
            };
        } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
            throw new UnusableHash("malformed " + s.scheme.label + " value: " + e.getMessage());
        }
    }

    /** The SCRAM-SHA-256 keys of a stored value, when it is one. */
    public static Optional<ScramKeys> scram(String stored) throws UnusableHash {
        Stored s = parse(stored);
        if (s.scheme != SCRAM_SHA_256) return Optional.empty();
        String[] f = s.value.split(",");
        if (f.length != 4) throw new UnusableHash("malformed SCRAM-SHA-256 value");
        try {
            Base64.Decoder d = Base64.getDecoder();
            return Optional.of(new ScramKeys(Integer.parseInt(f[0]), d.decode(f[1]), d.decode(f[2]), d.decode(f[3])));
        } catch (IllegalArgumentException e) {
            throw new UnusableHash("malformed SCRAM-SHA-256 value");
        }
    }

    private record Stored(PasswordScheme scheme, String value) {}

    private static Stored parse(String stored) throws UnusableHash {
        String v = stored.strip();
        if (!v.startsWith("{")) {
            if (v.startsWith("$6$")) return new Stored(SHA512_CRYPT, v);
            if (v.startsWith("$2")) return new Stored(BLF_CRYPT, v);
            if (v.startsWith("$argon2id$")) return new Stored(ARGON2ID, v);
            throw new UnusableHash("no password scheme (plaintext passwords are not used)");
        }
        int close = v.indexOf('}');
        if (close < 0) throw new UnusableHash("malformed password scheme");
        String name = v.substring(1, close).toUpperCase(Locale.ROOT);
        String rest = v.substring(close + 1);
        if (name.equals("CRYPT") && rest.startsWith("$6$")) name = "SHA512-CRYPT";
        if (name.equals("CRYPT") && rest.startsWith("$2")) name = "BLF-CRYPT";
        if (name.equals("PLAIN") || name.equals("CLEAR") || name.equals("CLEARTEXT")) {
            throw new UnusableHash("plaintext password scheme {" + name + "} is not used");
        }
        String n = name;
        PasswordScheme s = byName(name).orElseThrow(() -> new UnusableHash("unsupported password scheme {" + n + "}"));
        return new Stored(s, rest);
    }

    private static boolean verifyArgon2(String phc, String password) {
        // $argon2id$v=19$m=65536,t=3,p=1$salt$hash
        String[] f = phc.split("\\$");
        if (f.length != 6 || !f[1].equals("argon2id")) throw new IllegalArgumentException("not an argon2id PHC string");
        int m = 0, t = 0, p = 0;
        for (String kv : f[3].split(",")) {
            String[] x = kv.split("=", 2);
            int val = Integer.parseInt(x[1]);
            switch (x[0]) {
                case "m" -> m = val;
                case "t" -> t = val;
                case "p" -> p = val;
                default -> { }
            }
        }
        if (m < 8 || m > 4 * 1024 * 1024 || t < 1 || t > 100 || p < 1 || p > 64) throw new IllegalArgumentException("argon2 parameters out of range");
        Base64.Decoder d = Base64.getDecoder();
        byte[] salt = d.decode(pad(f[4]));
        byte[] want = d.decode(pad(f[5]));
        return MessageDigest.isEqual(argon2(password, salt, m, t, p, want.length), want);
    }

    private static String pad(String b64) {
        return b64 + "=".repeat((4 - b64.length() % 4) % 4);
    }

    private static byte[] argon2(String password, byte[] salt, int m, int t, int p, int len) {
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(m).withIterations(t).withParallelism(p).build());
        byte[] out = new byte[len];
        g.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    /** RFC 5802: {StoredKey, ServerKey} from SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, i). */
    static byte[][] scramKeys(String password, byte[] salt, int iterations) {
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] salted = f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
            byte[] clientKey = hmacSha256(salted, "Client Key".getBytes(StandardCharsets.UTF_8));
            byte[] serverKey = hmacSha256(salted, "Server Key".getBytes(StandardCharsets.UTF_8));
            return new byte[][] {MessageDigest.getInstance("SHA-256").digest(clientKey), serverKey};
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
