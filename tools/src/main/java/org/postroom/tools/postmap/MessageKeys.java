package org.postroom.tools.postmap;

import java.util.ArrayList;
import java.util.List;

/**
 * Lookup keys from a message for {@code postmap -h/-b -q -} (postmap_header, postmap_body): each logical
 * header (continuation lines joined with their newline) and/or each body line. The header ends at the
 * first empty line, or at the first line that is not a header, in which case an empty body line is
 * supplied as mime_state(3) does. MIME structure (-m) is not parsed: attachment headers are body lines.
 */
final class MessageKeys {
    private MessageKeys() {}

    static List<String> keys(List<String> lines, boolean headers, boolean body) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        int i = 0;
        for (; i < lines.size(); i++) {
            String l = lines.get(i);
            if (cur != null && !l.isEmpty() && (l.charAt(0) == ' ' || l.charAt(0) == '\t')) {
                cur.append('\n').append(l);
                continue;
            }
            if (cur != null && headers) out.add(cur.toString());
            cur = null;
            if (isHeader(l)) {
                cur = new StringBuilder(l);
                continue;
            }
            break;
        }
        if (cur != null && headers) out.add(cur.toString());
        if (!body) return out;
        if (i < lines.size() && !lines.get(i).isEmpty()) out.add("");
        for (; i < lines.size(); i++) out.add(lines.get(i));
        return out;
    }

    static boolean isHeader(String l) {
        int i = 0;
        while (i < l.length() && l.charAt(i) > ' ' && l.charAt(i) < 0x7f && l.charAt(i) != ':') i++;
        if (i == 0) return false;
        while (i < l.length() && (l.charAt(i) == ' ' || l.charAt(i) == '\t')) i++;
        return i < l.length() && l.charAt(i) == ':';
    }
}
