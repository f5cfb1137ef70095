package org.postroom.smtpd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** A wire over a stream; counts the flushes that send something. */
final class TestWire implements Wire {
    final InputStream in;
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    int flushes;
    private int flushedSize;
    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) {
            written.write(b);
        }

        @Override
        public void flush() {
            if (written.size() > flushedSize) flushes++;
            flushedSize = written.size();
        }
    };

    TestWire(InputStream in) {
        this.in = in;
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void deadline(Duration d) {
    }

    @Override
    public boolean expired() {
        return false;
    }

    List<String> replies() {
        return written.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
