import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassElement;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Build step of the distribution (run as a single-file program by dist/pom.xml):
 *     java UpgradeBytecode.java some.jar
 * rewrites every class of the jar whose class-file version is below 52 (Java 8) to version 52, with
 * stack-map frames computed by the JDK's ClassFile API. The code itself is unchanged. Why: picocli is
 * compiled for Java 5, and the JVM keeps such old classes out of the AOT cache, which made every admin
 * tool spend about 100 ms loading and verifying picocli at each start.
 */
public class UpgradeBytecode {
    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        Path out = jar.resolveSibling(jar.getFileName() + ".tmp");
        int upgraded = 0, kept = 0;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             JarFile in = new JarFile(jar.toFile());
             JarOutputStream o = new JarOutputStream(Files.newOutputStream(out))) {
            ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofResourceParsing(loader))));
            for (JarEntry e : java.util.Collections.list(in.entries())) {
                byte[] data;
                try (InputStream s = in.getInputStream(e)) {
                    data = s.readAllBytes();
                }
                if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/")) {
                    ClassModel m = cf.parse(data);
                    if (m.majorVersion() < ClassFile.JAVA_8_VERSION) {
                        data = cf.build(m.thisClass().asSymbol(), cb -> {
                            for (ClassElement el : m) {
                                if (el instanceof ClassFileVersion) cb.withVersion(ClassFile.JAVA_8_VERSION, 0);
                                else cb.with(el);
                            }
                        });
                        upgraded++;
                    } else {
                        kept++;
                    }
                }
                JarEntry copy = new JarEntry(e.getName());
                copy.setTime(e.getTime());
                o.putNextEntry(copy);
                o.write(data);
                o.closeEntry();
            }
        }
        Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("UpgradeBytecode: " + jar.getFileName() + ": " + upgraded + " classes upgraded to version 52, " + kept + " kept");
    }
}
