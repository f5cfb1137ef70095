package org.postroom.tools.postqueue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.ipc.ProtocolException;
import org.postroom.global.proto.showq.QueueEntry;
import org.postroom.global.proto.showq.QueueScanner;
import org.postroom.global.proto.showq.ShowqProtocol;
import org.postroom.global.queue.MailQueue;
import org.postroom.tools.common.Fatal;
import org.postroom.tools.common.ToolLog;
import org.postroom.tools.common.Uid;
import org.postroom.util.ExitCode;
import org.postroom.util.Passwd;

/**
 * Where the listing comes from (postqueue.c show_queue): the showq service on public/showq; when it
 * cannot be reached, root (and mail_owner) read the queue directly after a warning, and anybody else
 * is told that the mail system is down (exit 69).
 */
final class QueueSource {
    private QueueSource() {}

    static void list(MainCf cfg, MailQueue queue, Listing listing) {
        Path socket = queue.root().resolve("public/showq");
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new Fatal("socket: " + e.getMessage(), ExitCode.UNAVAILABLE);
        }
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            close(ch);
            direct(cfg, queue, listing, reason(socket, e));
            return;
        }
        try (ch) {
            ShowqProtocol.Reader r = new ShowqProtocol.Reader(
                    new org.postroom.global.ipc.IpcInput(Channels.newInputStream(ch), 1 << 16));
            for (QueueEntry e = r.next(); e != null; e = r.next()) listing.entry(e);
        } catch (ProtocolException e) {
            throw new Fatal(e.getMessage(), ExitCode.SOFTWARE);
        } catch (IOException e) {
            throw new Fatal("read from showq service: " + e.getMessage(), ExitCode.SOFTWARE);
        }
        listing.end();
    }

    private static void direct(MainCf cfg, MailQueue queue, Listing listing, String why) {
        if (!mayReadQueue(cfg)) throw new Fatal("Queue report unavailable - mail system is down", ExitCode.UNAVAILABLE);
        ToolLog.warn("Mail system is down -- accessing queue directly (Connect to the Postfix showq service: " + why + ")");
        try {
            QueueScanner.of(cfg, queue).scan(listing::entry);
        } catch (IOException e) {
            throw new Fatal("scan queue " + queue.root() + ": " + e.getMessage(), ExitCode.UNAVAILABLE);
        }
        listing.end();
    }

    /** Root, or the mail_owner of a non-root instance. */
    static boolean mayReadQueue(MainCf cfg) {
        return rootOrOwner(cfg, Uid.effective());
    }

    /** Whether {@code uid} is root or mail_owner, who may always use the queue. */
    static boolean rootOrOwner(MainCf cfg, int uid) {
        return uid == 0 || Passwd.byName(cfg.get(Params.MAIL_OWNER)).map(p -> p.uid() == uid).orElse(false);
    }

    private static String reason(Path socket, IOException e) {
        if (!Files.exists(socket)) return "No such file or directory";
        String m = e.getMessage();
        return m == null ? "Connection refused" : m;
    }

    private static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
