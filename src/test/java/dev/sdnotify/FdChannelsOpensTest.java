package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.TestGateway;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import modulepath.FdChannelsMain;
import org.junit.jupiter.api.Test;

/**
 * {@link FdChannels} in child JVMs: without the option that opens {@code sun.nio.ch} each call fails naming
 * that option exactly, for the class path and the module path; with it, it works on every JDK installed.
 */
class FdChannelsOpensTest {
    static final String MAIN = FdChannelsMain.class.getName();
    static final String OPENS_CLASS_PATH = "--add-opens java.base/sun.nio.ch=ALL-UNNAMED";
    static final String OPENS_MODULE_PATH = "--add-opens java.base/sun.nio.ch=dev.sdnotify";
    static final List<String> WORKED = List.of("server ok ping", "datagram ok hi", "fdOf ok true");

    static List<String> run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child finished: " + command);
        assertEquals(0, p.exitValue(), command + "\n" + out);
        return List.of(out.split("\n"));
    }

    static List<String> classPath(String java, String... options) {
        List<String> c = new ArrayList<>(List.of(java, "-Xshare:off"));
        c.addAll(List.of(options));
        c.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN));
        return c;
    }

    static List<String> modulePath(String... options) {
        List<String> modules = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (TestGateway.isLibrary(entry) || entry.contains("/net/java/dev/jna/")) {
                modules.add(entry);
            } else if (entry.endsWith("target/test-classes")) {
                classes.add(entry);
            }
        }
        List<String> c = new ArrayList<>(List.of(currentJava(), "-Xshare:off"));
        c.addAll(List.of(options));
        c.addAll(List.of("--module-path", String.join(File.pathSeparator, modules), "--add-modules", "dev.sdnotify",
                "-cp", String.join(File.pathSeparator, classes), MAIN));
        return c;
    }

    static String currentJava() {
        return ProcessHandle.current().info().command().orElseThrow();
    }

    static String[] split(String option) {
        return option.split(" ");
    }

    /** Every step failed with the message naming {@code option}, and the fds were left open. */
    static void assertRefusedNaming(String option, List<String> out) {
        String needs = "needs the JDK's sun.nio.ch package: add the JVM option " + option;
        assertEquals(6, out.size(), String.join("\n", out));
        assertTrue(out.get(1).startsWith("server failed java.lang.IllegalStateException: fd ")
                && out.get(1).endsWith(" as a ServerSocketChannel " + needs), out.get(1));
        assertEquals("server fd still open true", out.get(2));
        assertTrue(out.get(3).startsWith("datagram failed java.lang.IllegalStateException: fd ")
                && out.get(3).endsWith(" as a DatagramChannel " + needs), out.get(3));
        assertEquals("datagram fd still open true", out.get(4));
        assertEquals("fdOf failed java.lang.IllegalStateException: the fd of sun.nio.ch.DatagramChannelImpl " + needs,
                out.get(5));
    }

    @Test
    void classPathWithoutTheOptionNamesIt() throws Exception {
        List<String> out = run(classPath(currentJava()));
        assertEquals("module null java " + Runtime.version().feature(), out.get(0));
        assertRefusedNaming(OPENS_CLASS_PATH, out);
    }

    @Test
    void modulePathWithoutTheOptionNamesIt() throws Exception {
        List<String> out = run(modulePath());
        assertEquals("module dev.sdnotify java " + Runtime.version().feature(), out.get(0));
        assertRefusedNaming(OPENS_MODULE_PATH, out);
    }

    @Test
    void modulePathWithTheOptionWorks() throws Exception {
        List<String> out = run(modulePath(split(OPENS_MODULE_PATH)));
        assertEquals("module dev.sdnotify java " + Runtime.version().feature(), out.get(0));
        assertEquals(WORKED, out.subList(1, out.size()));
    }

    /** Every JDK under /usr/lib/jvm that runs the tests' Java 17 classes: the distinct installations. */
    static List<Path> installedJdks() throws IOException {
        Set<Path> homes = new LinkedHashSet<>();
        Path root = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(root)) {
            try (Stream<Path> entries = Files.list(root)) {
                for (Path home : (Iterable<Path>) entries.sorted()::iterator) {
                    if (Files.isExecutable(home.resolve("bin/java")) && Files.isRegularFile(home.resolve("release"))
                            && feature(home) >= 17) {
                        homes.add(home.toRealPath());
                    }
                }
            }
        }
        return new ArrayList<>(homes);
    }

    static int feature(Path home) throws IOException {
        Matcher m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(home.resolve("release")));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    @Test
    void everyInstalledJdk() throws Exception {
        List<Path> jdks = installedJdks();
        // At least the JDK running the tests; every other one installed (Temurin's, here) is checked too.
        assertFalse(jdks.isEmpty(), "no JDK found under /usr/lib/jvm");
        List<String> seen = new ArrayList<>();
        for (Path home : jdks) {
            String java = home.resolve("bin/java").toString();
            List<String> with = run(classPath(java, split(OPENS_CLASS_PATH)));
            assertEquals("module null java " + feature(home), with.get(0), home.toString());
            assertEquals(WORKED, with.subList(1, with.size()), home.toString());
            assertRefusedNaming(OPENS_CLASS_PATH, run(classPath(java)));
            seen.add(home.getFileName() + " (" + feature(home) + ")");
        }
        System.out.println("FdChannels checked on " + seen);
    }
}
