package org.postroom.cleanup;

import java.util.ArrayList;
import java.util.List;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Param;

/**
 * List parameters split the way Postfix splits table lists (mystrtokq): at commas and white space, but
 * not inside braces, so that {@code inline:{ a=b, c=d }} stays one element. {@code Param.splitList}
 * does not know about braces yet.
 */
final class ConfigLists {
    private ConfigLists() {}

    static List<String> get(MainCf cfg, Param<List<String>> p) {
        String value = cfg.raw(p.name()) == null ? cfg.expand(p.defaultValue()) : cfg.get(p.name());
        return split(value);
    }

    static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int level = 0;
        for (char c : value.toCharArray()) {
            if (c == '{') level++;
            if (c == '}' && level > 0) level--;
            if (level == 0 && (c == ',' || Character.isWhitespace(c))) {
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
