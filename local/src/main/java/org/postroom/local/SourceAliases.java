package org.postroom.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postroom.global.log.Msg;

/**
 * An aliases(5) source file read into memory (texthash:, or an indexed table whose database the table
 * library cannot open), and read again when its modification time or size changes.
 */
final class SourceAliases {
    private final String spec;
    private final Path source;
    private FileTime mtime;
    private long size = -1;
    private int owner;
    private Map<String, List<String>> entries;

    SourceAliases(String spec, Path source) {
        this.spec = spec;
        this.source = source;
    }

    synchronized Optional<AliasMaps.Match> find(String key) throws AliasMaps.Unavailable {
        refresh();
        List<String> v = entries.get(key);
        return v == null ? Optional.empty() : Optional.of(new AliasMaps.Match(spec, v, owner));
    }

    private void refresh() throws AliasMaps.Unavailable {
        try {
            FileTime m = Files.getLastModifiedTime(source);
            long sz = Files.size(source);
            if (entries != null && m.equals(mtime) && sz == size) return;
            if (entries != null) Msg.info("table " + spec + " has changed -- reloading");
            String text = Files.readString(source, StandardCharsets.UTF_8);
            int uid = (Integer) Files.getAttribute(source, "unix:uid");
            entries = AliasFile.parse(text, w -> Msg.warn(source + ", " + w));
            mtime = m;
            size = sz;
            owner = uid;
        } catch (IOException e) {
            Msg.warn("table " + spec + ": cannot read " + source + ": " + e.getMessage());
            throw new AliasMaps.Unavailable("alias database unavailable");
        }
    }
}
