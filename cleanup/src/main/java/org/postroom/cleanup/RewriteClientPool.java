package org.postroom.cleanup;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.postroom.global.proto.rewrite.ResolveReply;
import org.postroom.global.proto.rewrite.RewriteClient;

/** A few trivial-rewrite connections shared by all cleanup sessions of this process. */
final class RewriteClientPool {
    private final BlockingQueue<RewriteClient> idle = new ArrayBlockingQueue<>(8);

    RewriteClientPool(Path queueDirectory, Duration timeout) {
        for (int i = 0; i < 8; i++) idle.add(new RewriteClient(queueDirectory, timeout));
    }

    String rewrite(String context, String address) throws IOException {
        RewriteClient c = take();
        try {
            return c.rewrite(context, address);
        } finally {
            idle.add(c);
        }
    }

    /** Whether trivial-rewrite puts {@code domain} in the local address class; a failed resolve throws. */
    boolean isLocal(String domain) throws IOException {
        RewriteClient c = take();
        try {
            ResolveReply r = c.resolve("", "postmaster@" + domain);
            if (r.failed()) throw new IOException("address resolver failure for domain " + domain);
            return (r.flags() & ResolveReply.CLASS_LOCAL) != 0;
        } finally {
            idle.add(c);
        }
    }

    private RewriteClient take() throws IOException {
        RewriteClient c;
        try {
            c = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        return c;
    }
}
