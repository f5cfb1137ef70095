package org.postroom.global.table;

/**
 * The balanced "{...}" of inline, static, unionmap and pipemap specs, as Postfix's balpar() finds it; the
 * items inside are split by {@code Param.splitList(text, true)} (mystrtokq with CHARS_COMMA_SP).
 */
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
}
