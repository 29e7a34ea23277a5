package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.Receiver;
import dev.sdnotify.testing.TestGateway;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway a process gets: FFM on a JDK 22+ running the multi-release jar, JNA when the versioned classes
 * are not there (a repackaged jar that lost {@code Multi-Release: true}, or a class directory), and the
 * reason either way; {@code sdnotify.native} picks one explicitly.
 */
class GatewayChoiceTest {
    @TempDir Path dir;

    private static String ffmJava() {
        String jdk = System.getProperty("sdnotify.test.jdk.ffm");
        Capabilities.require(jdk != null && Files.isExecutable(Path.of(jdk, "bin", "java")),
                "needs a JDK 22 or later named by -Dsdnotify.test.jdk.ffm (the build sets it)");
        return Path.of(jdk, "bin", "java").toString();
    }

    private static int featureOf(String jdk) {
        try {
            String release = Files.readString(Path.of(jdk, "release"));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(release);
            return m.find() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
        } catch (java.io.IOException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static String jnaJava() {
        String jdk = System.getProperty("sdnotify.test.jdk.jna");
        Capabilities.require(jdk != null && Files.isExecutable(Path.of(jdk, "bin", "java")) && featureOf(jdk) < 22,
                "needs a JDK from 11 to 21 named by -Dsdnotify.test.jdk.jna (native-test/test.sh sets it)");
        return Path.of(jdk, "bin", "java").toString();
    }

    /** The class path with the library's jar replaced by {@code library}. */
    private static String classPathWith(String library) {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            entries.add(TestGateway.isLibrary(entry) ? library : entry);
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String libraryEntry() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (TestGateway.isLibrary(entry)) {
                return entry;
            }
        }
        throw new AssertionError("no library on " + System.getProperty("java.class.path"));
    }

    private List<String> run(String java, String classPath, String... options) throws IOException, InterruptedException {
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
            command.addAll(List.of(options));
            command.addAll(List.of("-cp", classPath, HiddenLibsystemdMain.class.getName()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("NOTIFY_SOCKET", receiver.address());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);
            assertEquals(1, receiver.drain().size(), "READY=1 arrived: " + out);
            return out.lines().toList();
        }
    }

    @Test
    void theMultiReleaseJarGivesFfmOnJdk22() throws Exception {
        String library = libraryEntry();
        Capabilities.require(library.endsWith(".jar"), "runs on the packaged jar (mvn verify), not on " + library);
        List<String> out = run(ffmJava(), classPathWith(library));
        assertTrue(out.get(0).startsWith("libsystemd via FFM: loaded /"), out.toString());
    }

    @Test
    void withoutTheVersionedClassesJnaIsUsedAndSaysWhy() throws Exception {
        // The jar's classes unpacked into a directory: what a repackaging that drops the manifest entry leaves.
        String library = libraryEntry();
        Path classes = library.endsWith(".jar") ? unpack(Path.of(library)) : Path.of(library);
        List<String> out = run(ffmJava(), classPathWith(classes.toString()));
        assertTrue(out.get(0).startsWith("libsystemd via JNA: loaded /"), out.toString());
        assertTrue(out.get(0).contains("(FFM not used: this is JDK ") && out.get(0).contains("Multi-Release: true"),
                out.toString());
    }

    @Test
    void asksForJnaOnJdk22() throws Exception {
        List<String> out = run(ffmJava(), System.getProperty("java.class.path"), "-Dsdnotify.native=jna");
        assertTrue(out.get(0).startsWith("libsystemd via JNA: loaded /"), out.toString());
    }

    @Test
    void asksForFfmWhereThereIsNone() throws Exception {
        try (Receiver receiver = Receiver.bindPath(dir.resolve("none"))) {
            ProcessBuilder pb = new ProcessBuilder(jnaJava(), "-Dsdnotify.native=ffm", "-cp",
                    System.getProperty("java.class.path"), HiddenLibsystemdMain.class.getName())
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("NOTIFY_SOCKET", receiver.address());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
            assertTrue(out.startsWith("none: NOTIFY_SOCKET is set, so a supervisor started this process, but native "
                    + "access failed: sdnotify.native=ffm was asked for, but the FFM API needs JDK 22 or later; "
                    + "this is JDK "), out);
            assertEquals(HiddenLibsystemdMain.FAILURE_EXIT, p.exitValue(), out);
        }
    }

    private Path unpack(Path jar) throws IOException {
        Path out = Files.createDirectories(dir.resolve("classes"));
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(zip.entries())) {
                Path target = out.resolve(e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip.getInputStream(e), target);
                }
            }
        }
        return out;
    }
}
