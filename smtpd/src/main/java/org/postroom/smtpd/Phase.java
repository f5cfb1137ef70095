package org.postroom.smtpd;

/**
 * What the network loop reads next: a command line, DATA content up to the end-of-data line, exactly
 * {@code size} octets of a BDAT chunk, a TLS handshake (after "220 2.0.0 Ready to start TLS"), or
 * nothing (hang up).
 */
sealed interface Phase {
    record Command() implements Phase {}

    record Data() implements Phase {}

    record Chunk(long size) implements Phase {
        public Chunk {
            if (size < 0) throw new IllegalArgumentException("negative chunk size");
        }
    }

    record StartTls() implements Phase {}

    record Closed() implements Phase {}

    Phase COMMAND = new Command();
    Phase DATA = new Data();
    Phase STARTTLS = new StartTls();
    Phase CLOSED = new Closed();
}
