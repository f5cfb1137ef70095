package org.postroom.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Postfix's x.in / x.ref loop: each {@code <case>.in} under src/test/resources/<package>/<TestClass>/ is run
 * through a function and compared with {@code <case>.ref}. {@code -Dgolden.update=true} rewrites the refs.
 */
public final class GoldenFiles {
    private GoldenFiles() {}

    public static List<Path> cases(Class<?> testClass) {
        Path dir = dir(testClass);
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".in")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path dir(Class<?> testClass) {
        return Path.of("src/test/resources", testClass.getPackageName().replace('.', '/'), testClass.getSimpleName());
    }

    public static void check(Path in, Function<String, String> f) {
        try {
            String input = Files.readString(in, StandardCharsets.UTF_8);
            String actual = f.apply(input);
            Path ref = Path.of(in.toString().replaceAll("\\.in$", ".ref"));
            if (Boolean.getBoolean("golden.update") || !Files.exists(ref)) {
                if (!Boolean.getBoolean("golden.update")) {
                    List<String> none = new ArrayList<>();
                    throw new AssertionError("missing golden file " + ref + none);
                }
                Files.writeString(ref, actual, StandardCharsets.UTF_8);
                return;
            }
            assertEquals(Files.readString(ref, StandardCharsets.UTF_8), actual, "golden file " + ref);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
