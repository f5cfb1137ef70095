package org.postroom.global.ipc;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads attribute lists in the "0" encoding (attr_scan0.c); every string and every list is bounded. */
public final class AttrReader {
    private final InputStream in;
    private final int maxString;
    private final int maxCount;

    public AttrReader(InputStream in, int maxString, int maxCount) {
        this.in = in;
        this.maxString = maxString;
        this.maxCount = maxCount;
    }

    public AttrReader(InputStream in) {
        this(in, 4 * 2048 * 4, 100_000);
    }

    /** Reads one list; EOFException when the peer closed before sending anything. */
    public Attrs read() throws IOException {
        Attrs.Builder b = Attrs.builder();
        int count = 0;
        boolean first = true;
        while (true) {
            String name = string(first);
            first = false;
            if (name.isEmpty()) return b.build();
            if (++count > maxCount) throw new ProtocolException("too many attributes");
            b.put(name, string(false));
        }
    }

    private String string(boolean atStart) throws IOException {
        if (in instanceof IpcInput fast) return fast.readNulTerminated(maxString, atStart);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (atStart && buf.size() == 0) throw new EOFException("peer closed the connection");
                throw new ProtocolException("premature end of attribute list");
            }
            if (c == 0) return buf.toString(StandardCharsets.UTF_8);
            if (buf.size() >= maxString) throw new ProtocolException("attribute string too long");
            buf.write(c);
        }
    }
}
