package org.postroom.global.mailbox;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An output stream that fails with "File too large" once more than {@code limit} bytes are written: what
 * Postfix gets from the kernel through set_file_limit() (RLIMIT_FSIZE, file_limit.c).
 */
final class SizeLimitedOutput extends FilterOutputStream {

    /** The write would grow the file beyond mailbox_size_limit or virtual_mailbox_limit: the caller bounces with 5.2.2. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("File too large");
        }
    }

    private final long limit;
    private long written;

    /** @param limit the number of bytes that may still be written; 0 or less means no limit */
    SizeLimitedOutput(OutputStream out, long limit) {
        super(out);
        this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
        count(1);
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        count(len);
        out.write(b, off, len);
    }

    private void count(int n) throws IOException {
        written += n;
        if (limit > 0 && written > limit) throw new TooLarge();
    }
}
