package org.postroom.pickup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postroom.global.log.Msg;
import org.postroom.global.queue.MailQueue;
import org.postroom.global.queue.QueueId;
import org.postroom.util.Printable;

/**
 * Which maildrop files are worth opening (mail_open_ok.c). A name must be a valid queue ID (temporary
 * names are not), the name must be a regular file and not a symbolic link, it must be marked ready
 * (owner rwx, set by sendmail after fsync), and it must have exactly one link: a second link could be
 * a way to make pickup read another user's file. Anything else is left alone; files that are not
 * regular or that have extra links are reported.
 */
final class MaildropScanner {
    private MaildropScanner() {}

    /** A file that looked ready when the directory was read. */
    record Candidate(Path path, QueueId name, SafeOpen.FileKey key) {
        /** The name as Postfix logs it, relative to the queue directory. */
        String display() {
            return "maildrop/" + name;
        }
    }

    static List<Candidate> scan(Path maildrop) throws IOException {
        List<Candidate> out = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(maildrop)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (!QueueId.valid(name)) continue;
                Map<String, Object> st;
                try {
                    st = SafeOpen.lstat(p);
                } catch (NoSuchFileException e) {
                    continue;
                }
                int mode = (Integer) st.get("mode");
                int uid = (Integer) st.get("uid");
                String shown = "maildrop/" + Printable.sanitize(name);
                if ((mode & 0170000) != 0100000) {
                    Msg.warn(shown + ": uid " + uid + ": not a regular file");
                } else if (!MailQueue.isReady(mode)) {
                    continue; // still being written
                } else if ((Integer) st.get("nlink") != 1) {
                    Msg.warn(shown + ": uid " + uid + ": file has " + st.get("nlink") + " links");
                } else {
                    out.add(new Candidate(p, new QueueId(name), SafeOpen.key(st)));
                }
            }
        }
        return out;
    }
}
