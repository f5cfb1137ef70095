package org.postroom.global.table;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Byte helpers for table sources: UTF-8 validity and Postfix's printable() for warnings. */
public final class Bytes {
    private Bytes() {}

    public static boolean isUtf8(byte[] b) {
        for (byte x : b) {
            if (x < 0) return decodes(b);
        }
        return true;
    }

    private static boolean decodes(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The first {@code len} bytes with control bytes and bytes of invalid UTF-8 shown as '?'. */
    public static String printable(byte[] b, int len) {
        StringBuilder s = new StringBuilder(len);
        int i = 0;
        while (i < len) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                s.append(c < 0x20 || c == 0x7f ? '?' : (char) c);
                i++;
                continue;
            }
            int n = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
            if (n == 0 || c >= 0xf5 || i + n > len) {
                s.append('?');
                i++;
                continue;
            }
            byte[] seq = java.util.Arrays.copyOfRange(b, i, i + n);
            if (decodes(seq)) {
                s.append(new String(seq, StandardCharsets.UTF_8));
                i += n;
            } else {
                s.append('?');
                i++;
            }
        }
        return s.toString();
    }
}
