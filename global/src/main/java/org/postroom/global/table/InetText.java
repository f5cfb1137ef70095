package org.postroom.global.table;

/**
 * Text forms of IP addresses exactly as glibc's inet_pton() and inet_ntop() read and write them, which
 * cidr tables depend on: IPv4 dotted quads without leading zeros, IPv6 with at most one "::" and an
 * optional trailing dotted quad; IPv6 output compresses the longest run of two or more zero groups and
 * writes IPv4-mapped and IPv4-compatible addresses with a dotted quad.
 */
final class InetText {
    private InetText() {}

    static byte[] parse4(String s) {
        byte[] out = new byte[4];
        int octets = 0;
        int cur = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (cur == 0) return null;
                cur = cur < 0 ? c - '0' : cur * 10 + (c - '0');
                if (cur > 255) return null;
            } else if (c == '.' && cur >= 0) {
                if (octets == 3) return null;
                out[octets++] = (byte) cur;
                cur = -1;
            } else {
                return null;
            }
        }
        if (cur < 0 || octets != 3) return null;
        out[3] = (byte) cur;
        return out;
    }

    static byte[] parse6(String s) {
        byte[] out = new byte[16];
        int tp = 0;
        int colonp = -1;
        int i = 0;
        int n = s.length();
        if (n > 0 && s.charAt(0) == ':') {
            if (n < 2 || s.charAt(1) != ':') return null;
            i = 1;
        }
        int curtok = i;
        boolean sawXdigit = false;
        int val = 0;
        int digits = 0;
        while (i < n) {
            char c = s.charAt(i++);
            int d = Character.digit(c, 16);
            if (d >= 0 && c < 0x80) {
                if (++digits > 4) return null;
                val = (val << 4) | d;
                sawXdigit = true;
                continue;
            }
            if (c == ':') {
                curtok = i;
                if (!sawXdigit) {
                    if (colonp >= 0) return null;
                    colonp = tp;
                    continue;
                } else if (i >= n) {
                    return null;
                }
                if (tp + 2 > 16) return null;
                out[tp++] = (byte) (val >> 8);
                out[tp++] = (byte) val;
                sawXdigit = false;
                digits = 0;
                val = 0;
                continue;
            }
            if (c == '.' && tp + 4 <= 16) {
                byte[] v4 = parse4(s.substring(curtok));
                if (v4 == null) return null;
                System.arraycopy(v4, 0, out, tp, 4);
                tp += 4;
                sawXdigit = false;
                break;
            }
            return null;
        }
        if (sawXdigit) {
            if (tp + 2 > 16) return null;
            out[tp++] = (byte) (val >> 8);
            out[tp++] = (byte) val;
        }
        if (colonp >= 0) {
            if (tp == 16) return null;
            int moved = tp - colonp;
            for (int k = 1; k <= moved; k++) {
                out[16 - k] = out[colonp + moved - k];
                out[colonp + moved - k] = 0;
            }
            tp = 16;
        }
        return tp == 16 ? out : null;
    }

    static String format(byte[] a) {
        return a.length == 4 ? format4(a, 0) : format6(a);
    }

    private static String format4(byte[] a, int off) {
        return (a[off] & 0xff) + "." + (a[off + 1] & 0xff) + "." + (a[off + 2] & 0xff) + "." + (a[off + 3] & 0xff);
    }

    private static String format6(byte[] a) {
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) w[i] = (a[2 * i] & 0xff) << 8 | (a[2 * i + 1] & 0xff);
        int bestBase = -1;
        int bestLen = 0;
        int curBase = -1;
        int curLen = 0;
        for (int i = 0; i < 8; i++) {
            if (w[i] == 0) {
                if (curBase < 0) {
                    curBase = i;
                    curLen = 1;
                } else {
                    curLen++;
                }
            } else if (curBase >= 0) {
                if (bestBase < 0 || curLen > bestLen) {
                    bestBase = curBase;
                    bestLen = curLen;
                }
                curBase = -1;
            }
        }
        if (curBase >= 0 && (bestBase < 0 || curLen > bestLen)) {
            bestBase = curBase;
            bestLen = curLen;
        }
        if (bestBase >= 0 && bestLen < 2) bestBase = -1;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) b.append(':');
                continue;
            }
            if (i != 0) b.append(':');
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 7 && w[7] != 1) || (bestLen == 5 && w[5] == 0xffff))) {
                b.append(format4(a, 12));
                break;
            }
            b.append(Integer.toHexString(w[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) b.append(':');
        return b.toString();
    }
}
