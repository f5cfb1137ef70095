package org.postroom.global.ipc;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes attribute lists in Postfix's "0" encoding: name NUL value NUL ... NUL (attr_print0.c). */
public final class AttrWriter {
    private final OutputStream out;

    public AttrWriter(OutputStream out) {
        this.out = out;
    }

    public AttrWriter attr(String name, String value) throws IOException {
        if (name.isEmpty()) throw new IllegalArgumentException("empty attribute name");
        write(name);
        write(value);
        return this;
    }

    public AttrWriter attr(String name, long value) throws IOException {
        return attr(name, Long.toString(value));
    }

    /** Writes all entries and the end-of-list marker, then flushes. */
    public void write(Attrs attrs) throws IOException {
        for (Map.Entry<String, String> e : attrs.entries()) attr(e.getKey(), e.getValue());
        end();
    }

    public void end() throws IOException {
        out.write(0);
        out.flush();
    }

    private void write(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte x : b) if (x == 0) throw new IllegalArgumentException("NUL in attribute text");
        out.write(b);
        out.write(0);
    }
}
