package org.postroom.global.table;

import java.util.List;
import java.util.Locale;

/**
 * A list of plain strings, such as the user names of authorized_mailq_users (Postfix's string_list.c):
 * a literal matches the string without regard to case, a "type:table" when its lookup of the string has
 * any value (so {@code static:anyone} matches everything), "/file/name" and "!item" as in every
 * {@link MatchList}. The first item that matches decides; a string that matches none is not in the list.
 */
public final class StringList {
    private final List<MatchList.Item> items;

    /** The list {@code param} (its name, for messages) with the items of its value. */
    public StringList(String param, List<String> values) {
        this.items = MatchList.parse(param, values);
    }

    /** Whether {@code s} is in the list; a table that cannot be read throws. */
    public boolean matches(String s) throws TableException {
        String folded = s.toLowerCase(Locale.ROOT);
        for (MatchList.Item item : items) {
            boolean hit = switch (item) {
                case MatchList.Pattern p -> p.text().equals(folded);
                case MatchList.Lookup l -> l.table().lookup(folded).isPresent();
            };
            if (hit) return !item.negated();
        }
        return false;
    }
}
