package org.postroom.global.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.testkit.GoldenFiles;

/**
 * Table sources and keys ({@code TYPE-name.in}: source, a "%%" line, keys) against the output of Debian's
 * Postfix 3.7 for the same input ({@code .ref}, written by make-refs.sh beside them): postmap's warnings,
 * "--", then "key TAB value" for each key found, as {@code postmap -q - TYPE:table} prints them.
 */
class TableGoldenTest {
    @TempDir Path dir;

    static Stream<Path> cases() {
        return GoldenFiles.cases(TableGoldenTest.class).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPostfix(Path in) {
        String type = in.getFileName().toString().replaceAll("-.*", "");
        GoldenFiles.check(in, input -> {
            try {
                return query(type, input);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private String query(String type, String input) throws IOException {
        int cut = input.indexOf("\n%%\n");
        String source = input.substring(0, cut + 1);
        List<String> keys = input.substring(cut + 4).lines().toList();
        Path table = dir.resolve("table");
        Files.writeString(table, source, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(table, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        List<String> warnings = new ArrayList<>();
        String prefix = dir + "/";
        TableOptions opt = TableOptions.DEFAULT.withWarn(w -> warnings.add(w.replace(prefix, "")));
        if (type.equals("hash")) {
            DbBuilder db = DbBuilder.create(table.toString(), opt);
            KeyValueSource.parse(Files.readAllBytes(table), table.toString(), opt, false, e -> db.put(e.key(), e.value()));
            db.commit(PosixFilePermissions.fromString("rw-r--r--"), null);
        }
        StringBuilder out = new StringBuilder();
        try (Table t = Tables.open(type + ":" + table, opt)) {
            for (String k : keys) {
                Optional<String> v = t.lookup(k);
                if (v.isEmpty()) continue;
                if (v.get().isEmpty()) {
                    warnings.add("table " + type + ":table: key " + k + ": empty string result is not allowed");
                    warnings.add("table " + type + ":table should return NO RESULT in case of NOT FOUND");
                }
                out.append(k).append('\t').append(v.get()).append('\n');
            }
        }
        StringBuilder all = new StringBuilder();
        for (String w : warnings) all.append("postmap: warning: ").append(w).append('\n');
        return all.append("--\n").append(out).toString();
    }
}
