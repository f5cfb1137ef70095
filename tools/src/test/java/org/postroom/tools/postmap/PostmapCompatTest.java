package org.postroom.tools.postmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postroom.testkit.GoldenFiles;
import org.postroom.tools.postalias.Postalias;

/**
 * Runs Debian's /usr/sbin/postmap and postalias and ours on the same tables and compares stdout, stderr
 * and the exit status of every step. Each {@code *.steps} file beside the data files is one scenario:
 * lines {@code prog|compare|stdin-file|args...}, where {@code {D}} is the side's own copy of the data
 * files and {@code {C}} the shared config directory (main.cf with compatibility_level = 3.6). "sorted"
 * compares stdout as sorted lines (hash tables list in database order, which differs), "yp" also masks
 * postalias's YP_LAST_MODIFIED time. Skipped when Debian's postfix is not installed; pcre steps are
 * skipped without postfix-pcre.
 */
class PostmapCompatTest {
    private static final Path DEBIAN = Path.of("/usr/sbin");

    @TempDir Path root;

    record Result(int rc, String out, String err) {}

    static Stream<Path> scenarios() throws IOException {
        try (Stream<Path> s = Files.list(GoldenFiles.dir(PostmapCompatTest.class))) {
            return s.filter(p -> p.toString().endsWith(".steps")).sorted().toList().stream();
        }
    }

    static boolean debianHasPcre() {
        try {
            Process p = new ProcessBuilder(DEBIAN.resolve("postconf").toString(), "-m").redirectErrorStream(true).start();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().anyMatch("pcre"::equals);
        } catch (IOException e) {
            return false;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void sameAsDebian(Path steps) throws Exception {
        assumeTrue(Files.isExecutable(DEBIAN.resolve("postmap")) && Files.isExecutable(DEBIAN.resolve("postalias")),
                "Debian's postfix (postmap, postalias) is not installed");
        boolean pcre = debianHasPcre();
        Path cf = Files.createDirectories(root.resolve("cf"));
        Files.writeString(cf.resolve("main.cf"), "compatibility_level = 3.6\nmyhostname = mail.example.com\n");
        Path deb = copyData(root.resolve("deb"));
        Path our = copyData(root.resolve("our"));
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(steps)) {
            n++;
            if (line.isBlank() || line.startsWith("#")) continue;
            if (!pcre && line.contains("pcre:")) continue;
            String[] f = line.split("\\|", -1);
            String prog = f[0];
            String mode = f[1];
            byte[] stdin = f[2].equals("-") ? new byte[0] : Files.readAllBytes(deb.resolve(f[2]));
            List<String> args = Arrays.asList(f).subList(3, f.length);
            Result d = normalize(debian(prog, subst(args, deb, cf), stdin), deb, mode);
            Result o = normalize(ours(prog, subst(args, our, cf), stdin), our, mode);
            if (!d.equals(o)) {
                failures.add("line " + n + ": " + line + "\n  debian: " + d + "\n  ours:   " + o);
            }
        }
        assertEquals("", String.join("\n", failures));
    }

    private Path copyData(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(GoldenFiles.dir(PostmapCompatTest.class))) {
            for (Path p : s.filter(p -> !p.toString().endsWith(".steps")).toList()) {
                Path t = dir.resolve(p.getFileName());
                Files.copy(p, t);
                Files.setLastModifiedTime(t, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
            }
        }
        return dir;
    }

    private static List<String> subst(List<String> args, Path dir, Path cf) {
        return args.stream().map(a -> a.replace("{D}", dir.toString()).replace("{C}", cf.toString())).toList();
    }

    private static Result debian(String prog, List<String> args, byte[] stdin) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(DEBIAN.resolve(prog).toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("MAIL_CONFIG");
        Path out = Files.createTempFile("deb", ".out");
        Path err = Files.createTempFile("deb", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().write(stdin);
            p.getOutputStream().close();
            int rc = p.waitFor();
            return new Result(rc, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Result ours(String prog, List<String> args, byte[] stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        String[] a = args.toArray(String[]::new);
        int rc = prog.equals("postmap") ? Postmap.run(a, new ByteArrayInputStream(stdin), out, e)
                : Postalias.run(a, new ByteArrayInputStream(stdin), out, e);
        return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Result normalize(Result r, Path dir, String mode) {
        String out = r.out().replace(dir.toString(), "DIR");
        if (!mode.equals("exact")) {
            out = out.lines().map(l -> l.replaceAll("^(YP_LAST_MODIFIED:\t)\\d+$", "$1TIME")).sorted()
                    .map(l -> l + "\n").reduce("", String::concat);
        }
        return new Result(r.rc(), out, r.err().replace(dir.toString(), "DIR"));
    }
}
