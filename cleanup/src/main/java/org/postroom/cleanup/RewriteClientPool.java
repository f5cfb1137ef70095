package org.postroom.cleanup;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.postroom.global.proto.rewrite.RewriteClient;

/** A few trivial-rewrite connections shared by all cleanup sessions of this process. */
final class RewriteClientPool {
    private final BlockingQueue<RewriteClient> idle = new ArrayBlockingQueue<>(8);

    RewriteClientPool(Path queueDirectory, Duration timeout) {
        for (int i = 0; i < 8; i++) idle.add(new RewriteClient(queueDirectory, timeout));
    }

    String rewrite(String context, String address) throws IOException {
        RewriteClient c;
        try {
            c = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        try {
            return c.rewrite(context, address);
        } finally {
            idle.add(c);
        }
    }
}
