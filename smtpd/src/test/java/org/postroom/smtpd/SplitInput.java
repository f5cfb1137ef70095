package org.postroom.smtpd;

import java.io.InputStream;
import java.util.Arrays;

/** An input stream that returns its bytes in pieces cut at given offsets, as a network would. */
final class SplitInput extends InputStream {
    private final byte[] data;
    private final int[] cuts;
    private int pos;
    private int nextCut;

    SplitInput(byte[] data, int... cuts) {
        this.data = data;
        this.cuts = Arrays.stream(cuts).filter(c -> c > 0 && c < data.length).sorted().toArray();
    }

    /** One byte per read. */
    static SplitInput bytewise(byte[] data) {
        int[] all = new int[Math.max(0, data.length - 1)];
        for (int i = 0; i < all.length; i++) all[i] = i + 1;
        return new SplitInput(data, all);
    }

    private int limit() {
        while (nextCut < cuts.length && cuts[nextCut] <= pos) nextCut++;
        return nextCut < cuts.length ? cuts[nextCut] : data.length;
    }

    @Override
    public int read() {
        return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) return 0;
        if (pos >= data.length) return -1;
        int n = Math.min(len, limit() - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Only the rest of the current piece counts as received; the next piece arrives when read. */
    @Override
    public int available() {
        boolean atPieceStart = pos == 0 || Arrays.binarySearch(cuts, pos) >= 0;
        return pos >= data.length || atPieceStart ? 0 : limit() - pos;
    }
}
