package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sdnotify.testing.Capabilities;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * sd_booted vectors K1–K6 (§5): each state of /run/systemd is built on a tmpfs in a private mount
 * namespace, so the host is never touched, and a child JVM reports both backends' answers.
 */
class BootedNamespaceTest {
    @TempDir static Path shared;
    static String classPath;

    @BeforeAll
    static void readableClassPath() throws IOException {
        Capabilities.requireRoot();
        Capabilities.requireLibsystemd();
        Capabilities.require(Capabilities.onPath("unshare") && Capabilities.onPath("setpriv"),
                "needs unshare and setpriv (util-linux)");
        // The uid-65534 case must read the classes and jars, so copy them somewhere world-readable.
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path target = shared.resolve("cp" + i++);
            copy(source, target);
            entries.add(target.toString());
        }
        classPath = String.join(File.pathSeparator, entries);
    }

    static void copy(Path source, Path target) throws IOException {
        if (Files.isDirectory(source)) {
            try (Stream<Path> files = Files.walk(source)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Path t = target.resolve(source.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } else {
                        Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                }
            }
        } else {
            Files.copy(source, target);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    static Stream<Arguments> states() {
        return Stream.of(
            Arguments.of("K1 absent", "true", "", 0),
            Arguments.of("K2 directory", "mkdir /run/systemd/system", "", 1),
            Arguments.of("K3 symlink to a directory", "mkdir /run/systemd/real && ln -s real /run/systemd/system", "", 1),
            Arguments.of("K4 dangling symlink", "ln -s nowhere /run/systemd/system", "", 0),
            Arguments.of("K5 regular file", "touch /run/systemd/system", "", -20),
            Arguments.of("K6 /run/systemd 0700, uid 65534", "mkdir /run/systemd/system && chmod 0700 /run/systemd",
                    "setpriv --reuid=65534 --regid=65534 --clear-groups", -13));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("states")
    void bootedState(String id, String setup, String asUser, int expected) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String script = "mount -t tmpfs -o mode=0755 tmpfs /run/systemd && " + setup + " && exec " + asUser + " "
                + java + " -cp " + classPath + " " + BootedProbe.class.getName();
        Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
                .redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(id + ": child did not finish in 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), id + ": child failed: " + out);
        assertEquals("libsystemd=" + expected + " java=" + expected, out.lines().reduce((a, b) -> b).orElse(""),
                id + ": both backends against the spec");
    }
}
