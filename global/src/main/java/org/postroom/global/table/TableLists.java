package org.postroom.global.table;

import java.util.ArrayList;
import java.util.List;

/** Splitting of "{...}" lists as Postfix's balpar() and mystrtokq() do for inline, unionmap and pipemap. */
final class TableLists {
    private TableLists() {}

    /** Length of the balanced "{...}" at the start of {@code s}, or 0 when it does not start one. */
    static int balanced(String s) {
        if (s.isEmpty() || s.charAt(0) != '{') return 0;
        int level = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') level++;
            else if (c == '}' && --level == 0) return i + 1;
        }
        return 0;
    }

    /** Items separated by commas or whitespace; text inside braces is not split. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int level = 0;
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') level++;
            if (c == '}' && level > 0) level--;
            if (level == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
                if (!cur.isEmpty()) out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) out.add(cur.toString());
        return out;
    }
}
