package org.postroom.global.ipc;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The buffered input side of an IPC or SMTP connection (Postfix's VSTREAM read buffer): a BufferedInputStream
 * without its per-call lock (a connection is read by one thread) that can also hand out a whole
 * NUL-terminated attribute string from its buffer, which {@link AttrReader} would otherwise read a byte at
 * a time. Only this stream holds read-ahead data, so readers that alternate with raw reads see every byte.
 */
public final class IpcInput extends InputStream {
    private final InputStream source;
    private final byte[] buf;
    private int pos;
    private int limit;

    public IpcInput(InputStream source, int size) {
        this.source = source;
        this.buf = new byte[size];
    }

    /** Refills an empty buffer; false at end of stream. */
    private boolean fill() throws IOException {
        int n = source.read(buf, 0, buf.length);
        if (n <= 0) return false;
        pos = 0;
        limit = n;
        return true;
    }

    @Override
    public int read() throws IOException {
        if (pos == limit && !fill()) return -1;
        return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return 0;
        if (pos == limit) {
            if (len >= buf.length) return source.read(b, off, len); // large reads bypass the buffer
            if (!fill()) return -1;
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) return 0;
        if (pos < limit) {
            int k = (int) Math.min(n, limit - pos);
            pos += k;
            return k;
        }
        return source.skip(n);
    }

    @Override
    public int available() throws IOException {
        return (limit - pos) + source.available();
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    /**
     * The bytes up to the next NUL, as UTF-8, with the NUL consumed (attr_scan0.c's string). Throws
     * EOFException when the stream ends before any byte and {@code eofOk}, ProtocolException when it ends
     * inside the string or the string is longer than {@code max} bytes.
     */
    String readNulTerminated(int max, boolean eofOk) throws IOException {
        byte[] spill = null; // the part of a string that began in an earlier buffer (rare)
        int spilled = 0;
        while (true) {
            if (pos == limit && !fill()) {
                if (eofOk && spilled == 0) throw new EOFException("peer closed the connection");
                throw new ProtocolException("premature end of attribute list");
            }
            int start = pos;
            int end = start;
            while (end < limit && buf[end] != 0) end++;
            int len = end - start;
            if (spilled + len > max) throw new ProtocolException("attribute string too long");
            if (end < limit) { // found the NUL
                pos = end + 1;
                if (spill == null) return new String(buf, start, len, StandardCharsets.UTF_8);
                spill = grow(spill, spilled + len);
                System.arraycopy(buf, start, spill, spilled, len);
                return new String(spill, 0, spilled + len, StandardCharsets.UTF_8);
            }
            spill = grow(spill, spilled + len);
            System.arraycopy(buf, start, spill, spilled, len);
            spilled += len;
            pos = limit;
        }
    }

    private static byte[] grow(byte[] a, int need) {
        if (a == null) return new byte[Math.max(need, 64)];
        return a.length >= need ? a : Arrays.copyOf(a, Math.max(need, a.length * 2));
    }
}
