package org.postroom.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postroom.global.log.Msg;
import org.postroom.global.mailbox.Errno;
import org.postroom.util.Passwd;

/**
 * Finding and reading a user's .forward file (dotforward.c, local_expand.c): each forward_path entry is
 * expanded with the recipient's attributes ($home, $user, $extension, $recipient_delimiter, $local,
 * $domain, $recipient, $shell, and ${name?text} / ${name:text}); an entry that uses an attribute without
 * a value is skipped; the first file that exists is used. It must be a regular file owned by the user
 * (or root) and not writable by others; otherwise a warning is logged and the mailbox is used.
 */
final class DotForward {
    private static final Pattern MACRO = Pattern.compile("\\$(?:\\{([a-z_]+)(?:([?:])([^}]*))?\\}|\\(([a-z_]+)\\)|([a-z_]+))");

    /** The file to read and whether its name used the address extension. */
    record Found(Path path, boolean usedExtension) {}

    private DotForward() {}

    /** The .forward file of this recipient, or null when no forward_path entry names an existing file. */
    static Found find(List<String> forwardPath, LocalAddress a, Passwd.Entry pw, String recipient) {
        Map<String, String> attrs = new java.util.HashMap<>();
        attrs.put("user", a.user());
        attrs.put("home", pw.home());
        attrs.put("shell", pw.shell());
        attrs.put("local", a.local());
        attrs.put("mailbox", a.local());
        attrs.put("recipient", recipient);
        if (!a.domain().isEmpty()) attrs.put("domain", a.domain());
        if (a.extension() != null && !a.extension().isEmpty()) {
            attrs.put("extension", a.extension());
            attrs.put("recipient_delimiter", a.unmatched().substring(0, 1));
        }
        for (String entry : forwardPath) {
            boolean[] usedExt = {false};
            String p = expand(entry, attrs, usedExt);
            if (p == null || p.isEmpty()) continue;
            if (Files.exists(Path.of(p), LinkOption.NOFOLLOW_LINKS)) return new Found(Path.of(p), usedExt[0]);
        }
        return null;
    }

    /** mac_expand: null when a referenced attribute has no value. */
    static String expand(String template, Map<String, String> attrs, boolean[] usedExtension) {
        Matcher m = MACRO.matcher(template);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(4) != null ? m.group(4) : m.group(5);
            String v = attrs.get(name);
            String out;
            if (m.group(2) != null) {
                boolean defined = v != null;
                out = m.group(2).equals("?") ? (defined ? m.group(3) : "") : (defined ? "" : m.group(3));
            } else {
                if (v == null) return null;
                out = v;
            }
            if (name.equals("extension") && v != null) usedExtension[0] = true;
            m.appendReplacement(b, Matcher.quoteReplacement(out));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** The list elements of the file, or null (with a warning) when it must not be used. */
    static List<String> read(Path path, int uid) {
        try {
            Map<String, Object> st = Files.readAttributes(path, "unix:isRegularFile,uid,mode", LinkOption.NOFOLLOW_LINKS);
            if (!(Boolean) st.get("isRegularFile")) {
                Msg.warn("file " + path + " is not a regular file");
                return null;
            }
            int owner = (Integer) st.get("uid");
            if (owner != 0 && owner != uid) {
                Msg.warn("file " + path + " has bad owner uid " + owner);
                return null;
            }
            if (((Integer) st.get("mode") & 002) != 0) {
                Msg.warn("file " + path + " is world writable");
                return null;
            }
            return AliasFile.parseInclude(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            Msg.warn("cannot open file " + path + ": " + Errno.text(e));
            return null;
        }
    }
}
