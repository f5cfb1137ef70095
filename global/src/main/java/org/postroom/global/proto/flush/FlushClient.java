package org.postroom.global.proto.flush;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.ipc.IpcChannel;

/**
 * Requests to the flush(8) service on public/flush (flush_clnt.c): the server greets with
 * {@code protocol=flush_protocol}; each request is {@code request=send_file, queue_id=ID} or
 * {@code request=send_site, site=DOMAIN}; the answer is {@code status=N}, one of the STAT_ values.
 */
public final class FlushClient {
    private FlushClient() {}

    public static final String PROTOCOL = "flush_protocol";
    public static final String SEND_FILE = "send_file";
    public static final String SEND_SITE = "send_site";
    public static final String SITE = "site";

    /** The request was carried out (also when nothing was there to flush). */
    public static final int STAT_OK = 0;
    /** The service could not do it (queue trouble). */
    public static final int STAT_FAIL = -1;
    /** A malformed request: bad queue ID or site name. */
    public static final int STAT_BAD = 3;
    /** The site is not in fast_flush_domains. */
    public static final int STAT_DENY = 4;

    /** Moves deferred message {@code id} to incoming and wakes qmgr; STAT_FAIL when flush cannot be reached. */
    public static int sendFile(Path queueDirectory, String id, Duration timeout) {
        return call(queueDirectory, Attrs.builder().put(AttrNames.REQUEST, SEND_FILE).put(AttrNames.QUEUE_ID, id).build(), timeout);
    }

    /** Moves the deferred mail for {@code site} to incoming and wakes qmgr. */
    public static int sendSite(Path queueDirectory, String site, Duration timeout) {
        return call(queueDirectory, Attrs.builder().put(AttrNames.REQUEST, SEND_SITE).put(SITE, site).build(), timeout);
    }

    /**
     * A destination postqueue -s may name: a host or domain name (letters, digits, '-', '_', dots) or an
     * address literal in brackets, at most 255 characters.
     */
    public static boolean validSite(String site) {
        if (site.isEmpty() || site.length() > 255) return false;
        if (site.startsWith("[") && site.endsWith("]") && site.length() > 2) {
            for (int i = 1; i < site.length() - 1; i++) {
                char c = site.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == '.' || c == ':')) return false;
            }
            return true;
        }
        for (int i = 0; i < site.length(); i++) {
            char c = site.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')) return false;
        }
        return true;
    }

    private static int call(Path queueDirectory, Attrs request, Duration timeout) {
        try (IpcChannel ch = IpcChannel.connect(queueDirectory.resolve("public/flush"), Duration.ZERO)) {
            ch.deadline(timeout);
            ch.attrReader().read().expect(AttrNames.PROTOCOL, PROTOCOL);
            ch.attrWriter().write(request);
            return ch.attrReader().read().requireInt(AttrNames.STATUS);
        } catch (IOException e) {
            return STAT_FAIL;
        }
    }
}
