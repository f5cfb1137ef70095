package org.postroom.global.table;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.LogicalLines;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.MasterCf;

/**
 * Fuzzes the source-text table parsers and the configuration parsers. The first byte picks the parser
 * ('t' texthash, 'c' cidr, 'r' regexp, 'p' pcre, 'i' inline, 'm' main.cf, 'M' master.cf, anything else
 * the logical-line readers); the rest is the file text, then optionally a line "%%" and lookup keys,
 * one a line. The text is written to a file and opened as the daemons open it.
 *
 * <p>Invariants: a table opens or fails with TableException (ConfigException for inline:, whose text
 * is configuration); main.cf and master.cf parse or fail with a ConfigException that names the file and
 * line; lookups give a value, nothing, or TableException; no other exception and no hang. Seeds are the
 * table golden files (text and the keys of the .ref) and the master.cf test inputs.
 */
class TableFuzzTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("table-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "20m")
    void sourceText(byte[] input) throws IOException {
        if (input.length == 0) return;
        byte kind = input[0];
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        int sep = indexOf(rest, "\n%%\n".getBytes(StandardCharsets.US_ASCII));
        byte[] text = sep < 0 ? rest : Arrays.copyOfRange(rest, 0, sep + 1);
        List<String> keys = new ArrayList<>();
        if (sep >= 0) {
            for (String k : new String(rest, sep + 4, rest.length - sep - 4, StandardCharsets.UTF_8).split("\n", 20)) {
                keys.add(k.length() > 100 ? k.substring(0, 100) : k);
            }
        }
        Path file = DIR.resolve("table");
        Files.write(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
        String name = file.toString();
        TableOptions opt = TableOptions.DEFAULT.withWarn(w -> { });
        Table table = null;
        try {
            switch (kind) {
                case 't' -> table = TextHashTable.open(name, opt);
                case 'c' -> table = CidrTable.open(name, opt);
                case 'r' -> table = RegexpTable.open(name, opt);
                case 'p' -> table = PcreTable.open(name, opt);
                case 'i' -> table = InlineTable.open("{" + new String(text, StandardCharsets.UTF_8) + "}", opt);
                case 'm' -> config(() -> MainCf.parse(file, new String(text, StandardCharsets.UTF_8), Map.of(), w -> { }));
                case 'M' -> config(() -> MasterCf.parse(file, new String(text, StandardCharsets.UTF_8), 100, w -> { }));
                default -> {
                    SourceLines.split(text, name, w -> { });
                    LogicalLines.split(new String(text, StandardCharsets.UTF_8), w -> { });
                }
            }
        } catch (TableException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
        } catch (ConfigException e) {
            assertTrue(kind == 'i', "ConfigException opening a table file: " + e.getMessage());
        }
        if (table == null) return;
        for (String k : keys) {
            try {
                table.lookup(k);
            } catch (TableException e) {
                // a temporary failure: allowed
            }
        }
    }

    private static void config(Runnable parse) {
        try {
            parse.run();
        } catch (ConfigException e) {
            String where = DIR.resolve("table") + ":";
            assertTrue(e.getMessage().startsWith(where), "ConfigException without file and line: " + e.getMessage());
        }
    }

    private static int indexOf(byte[] data, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= data.length; i++) {
            for (int j = 0; j < what.length; j++) if (data[i + j] != what[j]) continue outer;
            return i;
        }
        return -1;
    }
}
